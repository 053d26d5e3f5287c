package taskdef

import (
	"strings"
	"testing"

	"github.com/gracelint/gracelint/parser/jsonpos"
)

func parseSrc(t *testing.T, src string) (*TaskDef, []error) {
	t.Helper()
	doc, err := jsonpos.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	root := Root(doc)
	if root == nil {
		t.Fatal("not recognized as a task definition")
	}
	return Parse(root)
}

func TestRegisterInput(t *testing.T) {
	src := `{"family": "w", "requiresCompatibilities": ["FARGATE"], "containerDefinitions": [
  {"name": "a", "image": "ruby:3.3", "command": ["sh", "-c", "x"], "entryPoint": ["tini", "--"],
   "stopTimeout": 45, "essential": true, "linuxParameters": {"initProcessEnabled": true},
   "environment": [{"name": "RAILS_ENV", "value": "production"}]},
  {"name": "b", "image": "nginx"}]}`
	td, errs := parseSrc(t, src)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if *td.Def.Family != "w" || !td.RequiresFargate() || len(td.Containers) != 2 {
		t.Fatalf("task definition = %+v", td.Def)
	}
	a := td.Containers[0]
	if *a.Def.StopTimeout != 45 || !a.InitProcessEnabled() || strings.Join(a.Def.Command, " ") != "sh -c x" || len(a.Def.EntryPoint) != 2 {
		t.Errorf("container a = %+v", a.Def)
	}
	if *a.Def.Environment[0].Name != "RAILS_ENV" || *a.Def.Environment[0].Value != "production" {
		t.Errorf("environment = %+v", a.Def.Environment)
	}
	if n := a.Field("stopTimeout"); src[n.Start:n.End] != "45" {
		t.Errorf("stopTimeout span = %q", src[n.Start:n.End])
	}
	b := td.Containers[1]
	if b.Def.Command != nil || b.Def.StopTimeout != nil || b.InitProcessEnabled() {
		t.Errorf("container b = %+v", b.Def)
	}
}

func TestDescribeOutput(t *testing.T) {
	for _, registered := range []string{`1700000000.123`, `"2023-11-14T22:13:20.123Z"`} {
		src := `{"taskDefinition": {"taskDefinitionArn": "arn:aws:ecs:us-east-1:1:task-definition/w:3", "revision": 3,
  "status": "ACTIVE", "registeredAt": ` + registered + `, "compatibilities": ["EC2", "FARGATE"],
  "containerDefinitions": [{"name": "w", "image": "x", "command": ["sidekiq"]}]}, "tags": []}`
		td, errs := parseSrc(t, src)
		if len(errs) > 0 || len(td.Containers) != 1 || td.Containers[0].Def.Command[0] != "sidekiq" {
			t.Errorf("registeredAt %s: %+v %v", registered, td, errs)
		}
	}
}

func TestNotATaskDef(t *testing.T) {
	for _, src := range []string{`{"name": "package"}`, `[1]`, `{"taskDefinition": {}}`} {
		doc, err := jsonpos.Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if Root(doc) != nil {
			t.Errorf("%s taken for a task definition", src)
		}
	}
}

func TestWrongTypes(t *testing.T) {
	src := `{"containerDefinitions": [{"name": "w", "command": "bundle exec sidekiq", "stopTimeout": "30",
  "linuxParameters": {"initProcessEnabled": "yes"}, "entryPoint": ["a", 1]}, 7]}`
	td, errs := parseSrc(t, src)
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	want := []string{
		"containerDefinitions[0].command must be an array of strings, not string",
		"containerDefinitions[0].entryPoint[1] must be a string, not number",
		"containerDefinitions[0].stopTimeout must be an integer, not string",
		"containerDefinitions[0].linuxParameters.initProcessEnabled must be true or false, not string",
		"containerDefinitions[1] must be an object, not number",
	}
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
	if len(td.Containers) != 1 || td.Containers[0].Def.Command != nil {
		t.Errorf("the container must be kept without its bad fields: %+v", td.Containers)
	}
	for _, e := range errs {
		if e.(*FieldError).Offset <= 0 {
			t.Errorf("%v has no position", e)
		}
	}
}

func TestUnknownFields(t *testing.T) {
	doc, _, err := jsonpos.ParseTemplate([]byte(`[{"name": "w", "image": "${image}", "stopTimeout": ${stop},
  "linuxParameters": {"initProcessEnabled": ${init}}, "command": ["sidekiq", "-t", "${t}"]}]`))
	if err != nil {
		t.Fatal(err)
	}
	td, errs := Parse(Root(doc))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	c := td.Containers[0]
	if !c.Unknown("stopTimeout") || !c.Unknown("linuxParameters.initProcessEnabled") || !c.Unknown("image") || c.Unknown("name") || c.Unknown("essential") {
		t.Error("Unknown does not tell placeholders from literals and unset fields")
	}
	if c.Def.StopTimeout != nil || c.InitProcessEnabled() || len(c.Def.Command) != 3 || c.Def.Command[2] != "" {
		t.Errorf("container = %+v", c.Def)
	}
}

// TestOneShot: a container another waits for to exit (COMPLETE, SUCCESS)
// runs once; one it waits for to start (START, HEALTHY) keeps running.
func TestOneShot(t *testing.T) {
	src := `{"containerDefinitions": [
		{"name": "migrate", "essential": false, "command": ["rake", "db:migrate"]},
		{"name": "seed", "essential": false, "command": ["rake", "db:seed"]},
		{"name": "proxy", "essential": false},
		{"name": "web", "dependsOn": [
			{"containerName": "migrate", "condition": "SUCCESS"},
			{"containerName": "seed", "condition": "COMPLETE"},
			{"containerName": "proxy", "condition": "START"}]}
	]}`
	td, errs := parseSrc(t, src)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for i, want := range []bool{true, true, false, false} {
		if got := td.OneShot(td.Containers[i]); got != want {
			t.Errorf("%s: one-shot %v, want %v", *td.Containers[i].Def.Name, got, want)
		}
	}
}
