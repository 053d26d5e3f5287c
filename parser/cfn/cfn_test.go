package cfn

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
	"github.com/gracelint/gracelint/parser/jsonpos"
)

func TestYAML(t *testing.T) {
	src := `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Image: {Type: String}
Resources:
  Worker:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: !Sub "${AWS::StackName}-worker"
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions:
        - Name: sidekiq
          Image: !Ref Image
          Command: [sh, -c, bundle exec sidekiq]
          StopTimeout: 20
          Environment:
            - Name: RAILS_ENV
              Value: production
        - Name: web
          Image: {"Fn::Join": [":", [repo, tag]]}
          Command:
            - bundle
            - exec
            - 'puma'
  Bucket:
    Type: AWS::S3::Bucket
`
	tds, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(tds) != 1 || tds[0].LogicalID != "Worker" {
		t.Fatalf("task definitions = %+v", tds)
	}
	p := tds[0].Properties
	at := func(n *jsonpos.Node) string { return src[n.Start:n.End] }
	if p.Get("Family").Kind != jsonpos.Expr {
		t.Error("!Sub must be an expression")
	}
	c := p.Get("ContainerDefinitions").Elems
	if c[0].Get("Image").Kind != jsonpos.Expr || c[1].Get("Image").Kind != jsonpos.Expr {
		t.Error("!Ref and Fn::Join must be expressions")
	}
	if cmd := c[0].Get("Command"); at(cmd) != "[sh, -c, bundle exec sidekiq]" || at(cmd.Elems[2]) != "bundle exec sidekiq" || cmd.Elems[2].Str != "bundle exec sidekiq" {
		t.Errorf("command = %q / %q", at(cmd), at(cmd.Elems[2]))
	}
	if st := c[0].Get("StopTimeout"); st.Kind != jsonpos.Number || at(st) != "20" {
		t.Errorf("StopTimeout = %+v %q", st, at(st))
	}
	if cmd := c[1].Get("Command"); at(cmd.Elems[2]) != "'puma'" || at(cmd) != "- bundle\n            - exec\n            - 'puma'" {
		t.Errorf("block sequence = %q, last %q", at(cmd), at(cmd.Elems[2]))
	}
}

func TestJSON(t *testing.T) {
	src := `{"Resources": {"T": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
  "ContainerDefinitions": [{"Name": "w", "Image": {"Ref": "Image"}, "Command": ["sh", "-c", {"Fn::Sub": "exec ${X}"}]}]}}}}`
	tds, err := Parse([]byte(src))
	if err != nil || len(tds) != 1 {
		t.Fatal(err, tds)
	}
	c := tds[0].Properties.Get("ContainerDefinitions").Elems[0]
	if c.Get("Image").Kind != jsonpos.Expr || c.Get("Command").Elems[2].Kind != jsonpos.Expr {
		t.Error("intrinsics must be expressions")
	}
}

func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/corpus/cloudformation/*")
	if len(files) == 0 {
		t.Skip("../shared/corpus is not beside the repository")
	}
	for _, f := range files {
		src, _ := os.ReadFile(f)
		tds, err := Parse(src)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		for _, td := range tds {
			for _, c := range td.Properties.Get("ContainerDefinitions").Elems {
				if c.Start < 0 || c.End > len(src) || c.Start >= c.End {
					t.Errorf("%s: container span %d..%d", filepath.Base(f), c.Start, c.End)
				}
				for _, m := range c.Members {
					if key := string(src[m.KeyStart:m.KeyEnd]); key != m.Key && key != `"`+m.Key+`"` || m.KeyEnd > m.Value.Start {
						t.Errorf("%s: key %q spans %q, value from %d", filepath.Base(f), m.Key, key, m.Value.Start)
					}
				}
			}
		}
		t.Logf("%s: %d task definitions", filepath.Base(f), len(tds))
	}
}

func FuzzParse(f *testing.F) {
	// YAML aliases that refer to themselves, and that expand to 10^9 values.
	f.Add([]byte("services: &s\n  w: *s\n"))
	f.Add([]byte("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\na1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\na2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\na3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\na4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\na5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]\nservices: {w: {command: *a5}}\n"))
	f.Add([]byte("Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Command: [a, !Sub 'b']\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		tds, err := Parse(src)
		if err != nil {
			return
		}
		var walk func(n *jsonpos.Node)
		walk = func(n *jsonpos.Node) {
			if n.Start < 0 || n.End > len(src) || n.Start > n.End {
				t.Fatalf("span %d..%d outside the input", n.Start, n.End)
			}
			for _, m := range n.Members {
				walk(m.Value)
			}
			for _, e := range n.Elems {
				walk(e)
			}
		}
		for _, td := range tds {
			walk(td.Properties)
		}
	})
}
