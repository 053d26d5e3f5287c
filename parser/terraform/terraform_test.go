package terraform

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
	"github.com/gracelint/gracelint/parser/jsonpos"
)

const tf = `variable "image" {
  default = "ruby:3.3-slim"
}

variable "env" {}

locals {
  command = ["bundle", "exec", "sidekiq", "-t", local.timeout]
  timeout = "20"
}

resource "aws_ecs_task_definition" "worker" {
  family                   = "worker"
  requires_compatibilities = ["FARGATE"]
  container_definitions = jsonencode([
    {
      name        = "sidekiq"
      "image"     = var.image
      command     = local.command
      stopTimeout = tonumber("30")
      environment = [{ name = "RAILS_ENV", value = var.env }]
      essential   = true
    }
  ])
}

resource "aws_ecs_service" "worker" {
  name = "worker"
}
`

func TestParse(t *testing.T) {
	tds, err := Parse([]byte(tf), "main.tf")
	if err != nil || len(tds) != 1 || tds[0].Name != "worker" {
		t.Fatalf("task definitions = %+v, %v", tds, err)
	}
	defs := tds[0].Root.Get("containerDefinitions")
	if defs == nil || defs.Kind != jsonpos.Array || len(defs.Elems) != 1 {
		t.Fatalf("containerDefinitions = %+v", defs)
	}
	c := defs.Elems[0]
	if n := c.Get("name"); n.Str != "sidekiq" || tf[n.Start:n.End] != `"sidekiq"` {
		t.Errorf("name = %+v", n)
	}
	if img := c.Get("image"); img.Kind != jsonpos.String || img.Str != "ruby:3.3-slim" {
		t.Errorf("image = %+v: a variable's default is its value", img)
	}
	cmd := c.Get("command")
	if cmd.Kind != jsonpos.Array || len(cmd.Elems) != 5 || cmd.Elems[4].Str != "20" || tf[cmd.Elems[4].Start:cmd.Elems[4].End] != `"20"` {
		t.Errorf("command = %+v: locals are followed, positions are where values are written", cmd)
	}
	if st := c.Get("stopTimeout"); st.Kind != jsonpos.String || st.Str != "30" {
		t.Errorf("stopTimeout = %+v", st)
	}
	env := c.Get("environment").Elems[0]
	if v := env.Get("value"); v.Kind != jsonpos.Expr {
		t.Errorf("a variable without a default is unknown, got %+v", v)
	}
	if rc := tds[0].Root.Get("requiresCompatibilities"); rc == nil || rc.Elems[0].Str != "FARGATE" {
		t.Errorf("requiresCompatibilities = %+v", rc)
	}
}

func TestMergeConcat(t *testing.T) {
	src := "locals {\n  base = { name = \"w\", image = \"a\" }\n}\nresource \"aws_ecs_task_definition\" \"w\" {\n  container_definitions = jsonencode(concat([merge(local.base, { image = \"b\", essential = true })], [{ name = \"x\" }]))\n}\n"
	tds, err := Parse([]byte(src), "main.tf")
	if err != nil {
		t.Fatal(err)
	}
	defs := tds[0].Root.Get("containerDefinitions")
	if defs.Kind != jsonpos.Array || len(defs.Elems) != 2 {
		t.Fatalf("concat = %+v", defs)
	}
	if c := defs.Elems[0]; c.Get("image").Str != "b" || c.Get("name").Str != "w" || len(c.Members) != 3 {
		t.Errorf("merge = %+v: a later key wins", c)
	}
	tds, _ = Parse([]byte(strings.Replace(src, "local.base", "var.base", 1)), "main.tf")
	if got := tds[0].Root.Get("containerDefinitions").Elems[0]; got.Kind != jsonpos.Expr {
		t.Errorf("merge of an unknown value = %+v, want unknown", got)
	}
}

func TestLoop(t *testing.T) {
	src := "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_ecs_task_definition\" \"x\" {\n  container_definitions = local.a\n}\n"
	tds, err := Parse([]byte(src), "loop.tf")
	if err != nil || len(tds) != 1 || tds[0].Root.Get("containerDefinitions").Kind != jsonpos.Expr {
		t.Errorf("locals that refer to each other must end unknown: %+v, %v", tds, err)
	}
}

func TestParseError(t *testing.T) {
	_, err := Parse([]byte("resource \"aws_ecs_task_definition\" \"x\" {\n  container_definitions = [\n"), "bad.tf")
	var e *Error
	if !errors.As(err, &e) || e.Offset == 0 {
		t.Errorf("error = %v, want one with an offset", err)
	}
}

// TestDeepNesting: nesting past maxNesting is an error at the bracket that
// goes too deep, in every reader of a .tf file; 100,000 levels overflowed
// the Go stack in hclsyntax's parser.
func TestDeepNesting(t *testing.T) {
	const n = 100_000
	for name, src := range map[string]string{
		"brackets":  "locals {\n  a = " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n}\n",
		"templates": "locals {\n  a = " + strings.Repeat(`"${`, n) + "1" + strings.Repeat(`}"`, n) + "\n}\n",
	} {
		_, err := Parse([]byte(src), "deep.tf")
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Msg, "nested more than 1000") || e.Offset < 13 || e.Offset > 13+2*maxNesting+2 {
			t.Errorf("%s: error = %+v, want one at the bracket past %d", name, err, maxNesting)
		}
		if LocalModules([]byte(src)) != nil {
			t.Errorf("%s: modules of a file that does not parse", name)
		}
	}
	shallow := "locals {\n  a = " + strings.Repeat("[", 500) + strings.Repeat("]", 500) + "\n}\n"
	if _, err := Parse([]byte(shallow), "ok.tf"); err != nil {
		t.Errorf("500 levels: %v", err)
	}
}

// TestRealFiles reads the Terraform of the labelled repositories and the
// corpus without an error on any of them.
func TestRealFiles(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../../../shared/corpus/terraform/*.tf", "../../../shared/repos/*/*/*/*/*.tf", "../../../shared/repos/*/*.tf"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("../shared is not beside the checkout")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(src, f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(tf))
	f.Add([]byte("resource \"aws_ecs_task_definition\" \"x\" {\n  container_definitions = <<EOF\n[{\"name\": \"${var.n}\"}]\nEOF\n}\n"))
	f.Add([]byte("module \"m\" {\n  source = \"./m\"\n  c = [\"a\"]\n}\nvariable \"c\" {}\nresource \"aws_ecs_task_definition\" \"x\" {\n  container_definitions = jsonencode([{ command = var.c }])\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		tds, err := Parse(src, "fuzz.tf")
		if err != nil {
			return
		}
		var walk func(n *jsonpos.Node)
		walk = func(n *jsonpos.Node) {
			if n == nil {
				return
			}
			if n.Start < 0 || n.End > len(src) || n.Start > n.End {
				t.Fatalf("node %+v out of the file", n)
			}
			for _, m := range n.Members {
				walk(m.Value)
			}
			for _, e := range n.Elems {
				walk(e)
			}
		}
		for _, td := range tds {
			walk(td.Root)
		}
		// The file as a module it calls itself: every node stays in it.
		for _, td := range ParseModules(src, map[string][][]byte{"m": {src}}) {
			walk(td.Root)
		}
	})
}

func TestModuleFiles(t *testing.T) {
	src := "resource \"aws_ecs_task_definition\" \"w\" {\n  container_definitions = jsonencode([{ name = \"w\", command = local.command, image = var.image }])\n}\n"
	other := []byte("locals {\n  command = [\"sh\", \"-c\", \"sidekiq\"]\n}\nvariable \"image\" {\n  default = \"ruby:3.3\"\n}\n")
	tds, err := Parse([]byte(src), "main.tf", other)
	if err != nil || len(tds) != 1 {
		t.Fatalf("%+v %v", tds, err)
	}
	c := tds[0].Root.Get("containerDefinitions").Elems[0]
	cmd := c.Get("command")
	if cmd.Kind != jsonpos.Array || len(cmd.Elems) != 3 || cmd.Elems[2].Str != "sidekiq" {
		t.Fatalf("command = %+v: a local of another file of the module is read", cmd)
	}
	// Its words point at the reference in this file, not into the other.
	if got := src[cmd.Elems[2].Start:cmd.Elems[2].End]; got != "local.command" {
		t.Errorf("command[2] points at %q", got)
	}
	if img := c.Get("image"); img.Str != "ruby:3.3" || src[img.Start:img.End] != "var.image" {
		t.Errorf("image = %+v", img)
	}
}

func TestTemplateCalls(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		path      string // "" when no call is read
		vars      []string
	}{
		{"templatefile in the module", `resource "aws_ecs_task_definition" "w" {
  requires_compatibilities = ["FARGATE"]
  container_definitions = templatefile("${path.module}/templates/w.json.tpl", { stop = 30, image = data.x.y, cmd = ["a"] })
}`, "templates/w.json.tpl", []string{"cmd", "stop"}},
		{"relative path", `resource "aws_ecs_task_definition" "w" {
  container_definitions = templatefile("./w.tpl", {})
}`, "w.tpl", nil},
		{"template_file data source", `data "template_file" "w" {
  template = file("${path.module}/w.json")
  vars = { timeout = "60" }
}
resource "aws_ecs_task_definition" "w" {
  container_definitions = data.template_file.w.rendered
}`, "w.json", []string{"timeout"}},
		{"computed path", `resource "aws_ecs_task_definition" "w" {
  container_definitions = templatefile(var.path, {})
}`, "", nil},
		{"another module's path", `resource "aws_ecs_task_definition" "w" {
  container_definitions = templatefile("${path.root}/w.tpl", {})
}`, "", nil},
		{"index in a traversal", `resource "aws_ecs_task_definition" "w" {
  container_definitions = data.template_file[0].w.rendered
}`, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := TemplateCalls([]byte(tc.src))
			if tc.path == "" {
				if len(calls) != 0 {
					t.Fatalf("calls = %+v, want none", calls)
				}
				return
			}
			if len(calls) != 1 || calls[0].Path != tc.path {
				t.Fatalf("calls = %+v, want one of %s", calls, tc.path)
			}
			var vars []string
			for k := range calls[0].Vars {
				vars = append(vars, k)
			}
			slices.Sort(vars)
			if !slices.Equal(vars, tc.vars) {
				t.Errorf("known vars = %q, want %q", vars, tc.vars)
			}
		})
	}
}

func FuzzTemplateCalls(f *testing.F) {
	f.Add([]byte(`resource "aws_ecs_task_definition" "w" { container_definitions = templatefile("${path.module}/w.tpl", { a = 1 }) }`))
	f.Add([]byte("data \"template_file\" \"w\" {\n template = file(\"w\")\n}\nresource \"aws_ecs_task_definition\" \"w\" {\n container_definitions = data.template_file.w.rendered\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		for _, c := range TemplateCalls(src) {
			if c.Path == "" || strings.HasPrefix(c.Path, "/") {
				t.Fatalf("path %q", c.Path)
			}
		}
	})
}

func TestParseModules(t *testing.T) {
	caller := `module "w" {
  source  = "./modules/w"
  command = ["sh", "-c", "sidekiq"]
}
module "remote" {
  source  = "terraform-aws-modules/ecs/aws//modules/service"
  command = ["x"]
}
`
	mod := []byte(`variable "command" {}
variable "stop" {
  default = 120
}
resource "aws_ecs_task_definition" "this" {
  container_definitions = jsonencode([{ name = "w", image = "ruby", command = var.command, stopTimeout = var.stop }])
}
`)
	if got := LocalModules([]byte(caller)); !slices.Equal(got, []string{"modules/w"}) {
		t.Fatalf("LocalModules = %q", got)
	}
	tds := ParseModules([]byte(caller), map[string][][]byte{"modules/w": {mod}})
	if len(tds) != 1 || tds[0].Module != "w" {
		t.Fatalf("task definitions = %+v", tds)
	}
	c := tds[0].Root.Get("containerDefinitions").Elems[0]
	// The argument points at the call; what the module writes, at the
	// call's header.
	if cmd := c.Get("command"); len(cmd.Elems) != 3 || caller[cmd.Elems[2].Start:cmd.Elems[2].End] != `"sidekiq"` {
		t.Errorf("command = %+v", cmd)
	}
	if st := c.Get("stopTimeout"); st.Num != "120" || caller[st.Start:st.End] != `module "w"` {
		t.Errorf("stopTimeout = %+v, want the module's default at the call's header", st)
	}
	if n := c.Get("name"); caller[n.Start:n.End] != `module "w"` {
		t.Errorf("name at %q", caller[n.Start:n.End])
	}
}

func TestRegistrySource(t *testing.T) {
	for in, want := range map[string]string{
		"terraform-aws-modules/ecs/aws//modules/service":                                                   "terraform-aws-modules/ecs/aws//modules/service",
		"registry.terraform.io/terraform-aws-modules/ecs/aws":                                              "terraform-aws-modules/ecs/aws",
		"git::https://github.com/terraform-aws-modules/terraform-aws-ecs.git//modules/service?ref=v5.12.0": "terraform-aws-modules/ecs/aws//modules/service",
		"github.com/cloudposse/terraform-aws-ecs-container-definition?ref=0.61.1":                          "cloudposse/ecs-container-definition/aws",
		"./modules/worker": "./modules/worker",
	} {
		if got := registrySource(in); got != want {
			t.Errorf("registrySource(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRegistryRootModule(t *testing.T) {
	src := `module "ecs" {
  source = "terraform-aws-modules/ecs/aws"
  services = {
    worker = {
      container_definitions = {
        sidekiq = { image = "ruby", entrypoint = ["tini", "--"], command = ["sidekiq"] }
      }
    }
  }
}
`
	tds, err := Parse([]byte(src), "main.tf")
	if err != nil || len(tds) != 1 {
		t.Fatalf("%+v %v", tds, err)
	}
	c := tds[0].Root.Get("containerDefinitions").Elems[0]
	if c.Get("name").Str != "sidekiq" || c.Get("entryPoint").Elems[0].Str != "tini" {
		t.Errorf("container = %+v", c)
	}
	if st := c.Get("stopTimeout"); st == nil || st.Kind != jsonpos.Expr {
		t.Errorf("stopTimeout = %+v, want unknown: the module's default is not ECS's", st)
	}
}
