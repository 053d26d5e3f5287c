package config

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/gracelint/gracelint/lint"
)

// TestSchema: the template and every configuration gracelint accepts
// validate against the schema editors get; those it rejects for their
// shape do not.
func TestSchema(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaURL, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(SchemaURL)
	if err != nil {
		t.Fatal(err)
	}
	rules := []*lint.Rule{{ID: "GL101", Name: "shell-form-command"}, {ID: "GL103", Name: "missing-init"}}
	valid := func(src string) error {
		var v any
		if err := yaml.Unmarshal([]byte(src), &v); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(v)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return schema.Validate(inst)
	}
	good := []string{
		Template,
		"rules:\n  GL103: off\n  shell-form-command: warning\n",
		"ignore: [\"test/**\"]\noverrides:\n  - files: [\"legacy/**\"]\n    ignore: [GL103]\n",
		"images:\n  \"registry.example.com/*\":\n    shell: ash\n  \"*/worker:*\":\n    dockerfile: docker/Dockerfile\n",
		"sidekiq:\n  timeout: 40\n  margin: 5\nfail-level: none\n",
	}
	for _, src := range good {
		if _, err := Parse(".gracelint.yaml", []byte(src), rules); err != nil {
			t.Fatalf("gracelint rejects %q: %v", src, err)
		}
		if err := valid(src); err != nil {
			t.Errorf("the schema rejects %q: %v", src, err)
		}
	}
	bad := []string{
		"fail-level: fatal\n",
		"unknown: 1\n",
		"rules:\n  GL103: loud\n",
		"overrides:\n  - files: [\"a/**\"]\n",
		"images:\n  \"x/*\":\n    shell: zsh\n",
		"sidekiq:\n  timeout: 99999\n",
	}
	for _, src := range bad {
		if _, err := Parse(".gracelint.yaml", []byte(src), rules); err == nil {
			t.Fatalf("gracelint accepts %q", src)
		}
		if err := valid(src); err == nil {
			t.Errorf("the schema accepts %q, which gracelint rejects", src)
		}
	}
	if !strings.HasPrefix(Template, "# yaml-language-server: $schema="+SchemaURL+"\n") {
		t.Error("the template does not name the schema for editors")
	}
}
