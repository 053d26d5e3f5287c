package cli

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const sarifSchema = "../../../shared/schemas/sarif-schema-2.1.0.json"

func TestSARIFValidatesForEveryFixture(t *testing.T) {
	if _, err := os.Stat(sarifSchema); err != nil {
		t.Skip("the SARIF schema is not in ../shared/schemas")
	}
	schema, err := jsonschema.NewCompiler().Compile(sarifSchema)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../../fixtures/*/*")
	files = append(files, "../../fixtures") // all at once, and an input error
	dir := t.TempDir()
	broken := write(t, dir, "broken.json", `{"containerDefinitions": [`)
	for _, f := range append(files, broken) {
		if strings.HasSuffix(f, ".want") {
			continue
		}
		_, stdout, _ := gracelint(t, "", "--format", "sarif", f)
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(stdout))
		if err != nil {
			t.Fatalf("%s: not JSON: %v", f, err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%s: SARIF does not validate: %v", f, err)
		}
	}
}

func TestSARIFContent(t *testing.T) {
	_, stdout, _ := gracelint(t, "", "--format", "sarif", "--config", seedConfig, "../../fixtures/GL102/bad-seed.json")
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID, Name             string
						Help                 struct{ Text, Markdown string }
						DefaultConfiguration struct{ Level string }
					}
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           struct{ StartLine, StartColumn, EndLine, EndColumn int }
					}
				}
				PartialFingerprints map[string]string
				Fixes               []any
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) < 5 || !strings.Contains(run.Tool.Driver.Rules[0].Help.Markdown, "## Bad example") {
		t.Errorf("driver rules incomplete: %+v", run.Tool.Driver.Rules)
	}
	res := run.Results[0]
	loc := res.Locations[0].PhysicalLocation
	if res.RuleID != "GL102" || run.Tool.Driver.Rules[res.RuleIndex].ID != "GL102" || res.Level != "error" ||
		loc.ArtifactLocation.URI != "fixtures/GL102/bad-seed.json" || loc.ArtifactLocation.URIBaseID != "%SRCROOT%" ||
		loc.Region.StartLine != 12 || loc.Region.StartColumn != 18 || loc.Region.EndColumn != 81 ||
		res.PartialFingerprints["gracelint/v1"] == "" || len(res.Fixes) != 1 {
		t.Errorf("result = %+v", res)
	}
}

func TestUTF16Columns(t *testing.T) {
	dir := t.TempDir()
	// "é" is 2 bytes but 1 UTF-16 unit; "😀" is 4 bytes and 2 units.
	p := write(t, dir, "td.json", `{"family": "é😀", "containerDefinitions": [{"name": "w", "command": ["sh", "-c", "sidekiq"]}]}`)
	_, stdout, _ := gracelint(t, "", "--format", "github", p)
	if !strings.Contains(stdout, ",col=69,endColumn=92,") {
		t.Errorf("columns are not UTF-16: %s", stdout)
	}
	_, stdout, _ = gracelint(t, "", "--format", "json", p)
	if !strings.Contains(stdout, `"column": 72`) {
		t.Errorf("JSON columns count bytes: %s", stdout)
	}
}

// TestGitHubInjection feeds names and messages built to end a workflow
// command early or start a new one.
func TestGitHubInjection(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a,b::warning file=x::y.json", "new\nline::error::boom.json", "pct%0A::set-output name=x::1.json", "col:on,comma.json"} {
		write(t, dir, name, `{"containerDefinitions": [{"name": "x\n::error::injected", "command": ["sh", "-c", "sidekiq %0A::error::evil\n::warning::more"]}]}`)
	}
	write(t, dir, "bad\n::error::x.json", `{"containerDefinitions": [`)
	_, stdout, _ := gracelint(t, "", "--format", "github", dir)
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 4+1 {
		t.Fatalf("want 5 workflow commands, got %d:\n%s", len(lines), stdout)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "::error file=") && !strings.HasPrefix(l, "::warning file=") {
			t.Errorf("line does not start a command of ours: %q", l)
		}
		// The properties end at the first "::"; each must be one of ours,
		// so no value leaked a separator.
		props := l[2 : strings.Index(l[2:], "::")+2]
		_, props, _ = strings.Cut(props, " ")
		for _, kv := range strings.Split(props, ",") {
			key, _, _ := strings.Cut(kv, "=")
			switch key {
			case "file", "line", "endLine", "col", "endColumn", "title":
			default:
				t.Errorf("property %q leaked from a value: %q", key, l)
			}
		}
	}
	if !strings.Contains(stdout, "file="+filepath.ToSlash(dir)+"/new%0Aline%3A%3Aerror%3A%3Aboom.json,") || !strings.Contains(stdout, "a%2Cb%3A%3Awarning file=x%3A%3Ay.json,") {
		t.Errorf("file names are not escaped as properties:\n%s", stdout)
	}
	if !strings.Contains(stdout, `"sidekiq %250A::error::evil"`) || !strings.Contains(stdout, "jobs%0ASuggestion: ") {
		t.Errorf("messages are not escaped as data:\n%s", stdout)
	}
}

func TestCheckstyleIsWellFormed(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, `a<b>&"c'.json`, "{\"containerDefinitions\": [{\"name\": \"w\", \"command\": [\"sh\", \"-c\", \"sidekiq '<x>' '&' \\u0001\"]}]}")
	_, stdout, _ := gracelint(t, "", "--format", "checkstyle", dir)
	dec := xml.NewDecoder(strings.NewReader(stdout))
	n := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed XML: %v\n%s", err, stdout)
			}
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "error" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("want 1 error element, got %d:\n%s", n, stdout)
	}
}

func TestGitLabFingerprintsSurviveLineShifts(t *testing.T) {
	dir := t.TempDir()
	td := `{"containerDefinitions": [{"name": "w", "stopTimeout": 10, "command": ["sh", "-c", "sidekiq"]}]}`
	p := write(t, dir, "td.json", td)
	fingerprints := func() []string {
		_, stdout, _ := gracelint(t, "", "--format", "gitlab", p)
		var issues []struct {
			Fingerprint string
			Severity    string
			Location    struct {
				Path  string
				Lines struct{ Begin int }
			}
		}
		if err := json.Unmarshal([]byte(stdout), &issues); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, i := range issues {
			out = append(out, i.Fingerprint)
		}
		return out
	}
	before := fingerprints()
	write(t, dir, "td.json", "\n\n\n"+td)
	after := fingerprints()
	if len(before) != 2 || strings.Join(before, ",") != strings.Join(after, ",") || before[0] == before[1] {
		t.Errorf("fingerprints %v then %v", before, after)
	}
}

func TestRDJSONL(t *testing.T) {
	_, stdout, _ := gracelint(t, "", "--format", "rdjsonl", "--config", seedConfig, "../../fixtures/GL102/bad-seed.json")
	sc := bufio.NewScanner(strings.NewReader(stdout))
	n := 0
	for sc.Scan() {
		var d struct {
			Message     string
			Severity    string
			Code        struct{ Value string }
			Suggestions []struct{ Text string }
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if d.Code.Value == "GL102" && (len(d.Suggestions) != 1 || d.Suggestions[0].Text != "exec ") {
			t.Errorf("GL102 suggestion = %+v", d.Suggestions)
		}
		n++
	}
	if n != 1 {
		t.Errorf("want 1 diagnostic, got %d", n)
	}
}

func TestMarkdownEscapes(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "x|<img src=x onerror=alert(1)>.json", `{"containerDefinitions": [{"name": "w", "command": ["sh", "-c", "sidekiq | <script>"]}]}`)
	_, stdout, _ := gracelint(t, "", "--format", "markdown", dir)
	if strings.Contains(stdout, "<img") || strings.Contains(stdout, "<script>") {
		t.Errorf("HTML leaked into the summary:\n%s", stdout)
	}
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "| error") && strings.Count(l, "|")-strings.Count(l, `\|`) != 5 {
			t.Errorf("a cell breaks the table: %q", l)
		}
	}
}

func TestSeveralFormats(t *testing.T) {
	dir := t.TempDir()
	sarif, js := filepath.Join(dir, "out.sarif"), filepath.Join(dir, "out.json")
	code, stdout, _ := gracelint(t, "", "--format", "github", "--format", "sarif", "--output", "-", "--output", sarif, "--format", "json", "--output", js, "--config", seedConfig, "../../fixtures/GL102/bad-seed.json")
	if code != ExitFindings || !strings.HasPrefix(stdout, "::error ") {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	for _, f := range []string{sarif, js} {
		if b, err := os.ReadFile(f); err != nil || !json.Valid(b) {
			t.Errorf("%s: %v", f, err)
		}
	}
	if code, _, stderr := gracelint(t, "", "--format", "json", "--format", "sarif", "."); code != ExitInput || !strings.Contains(stderr, "share standard output") {
		t.Errorf("two formats on stdout: exit %d, %q", code, stderr)
	}
	if code, _, _ := gracelint(t, "", "--format", "json", "--output", filepath.Join(dir, "no/such/dir/x"), "../../fixtures/GL102/bad-seed.json"); code != ExitInput {
		t.Errorf("unwritable output: exit %d", code)
	}
}
