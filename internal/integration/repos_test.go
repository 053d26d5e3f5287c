package integration

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gracelint/gracelint/internal/cli"
)

// The floor the labelled real repositories hold gracelint to: raise it when
// a change finds more, never lower it to let a change through.
const (
	minPrecision = 0.90
	minBugsFound = 36
)

// label is one row of a repository's LABELS.tsv (format in
// ../shared/repos/README.md).
type label struct {
	verdict, file, line, note, group string
	rules                            []string
}

func readLabels(t *testing.T, path string) []label {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = '\t', true, -1
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []label
	for i, rec := range records {
		if i == 0 || len(rec) < 5 || rec[0] == "" || strings.HasPrefix(rec[0], "#") {
			continue
		}
		l := label{verdict: rec[0], file: filepath.Clean(rec[1]), line: rec[2], note: rec[4], group: "row" + strconv.Itoa(i)}
		for _, x := range strings.Split(rec[3], ",") {
			if x = strings.TrimSpace(x); x != "" {
				l.rules = append(l.rules, x)
			}
		}
		if len(l.rules) == 0 {
			l.rules = []string{"*"}
		}
		if len(rec) > 5 && strings.TrimSpace(rec[5]) != "" {
			l.group = strings.TrimSpace(rec[5])
		}
		out = append(out, l)
	}
	return out
}

type finding struct {
	Rule, Severity, File string
	Line                 int
}

// labelOf is the row a finding is scored against, as ../shared/tools/rw-score
// scores it: the nearest row within 3 lines of the same file (4 for a
// whole-file row), a bug row only if it names the finding's rule; on a tie
// bug, then dev, then fp, then a row naming the rule.
func labelOf(rows []label, f finding) *label {
	var best *label
	var bestKey [3]int
	for i := range rows {
		x := &rows[i]
		ruleOK := slices.Contains(x.rules, "*") || slices.Contains(x.rules, f.Rule)
		if x.verdict == "bug" && !ruleOK || x.file != filepath.Clean(f.File) {
			continue
		}
		d := 4
		if x.line != "*" && x.line != "" {
			n, err := strconv.Atoi(x.line)
			if err != nil {
				continue
			}
			if d = max(n-f.Line, f.Line-n); d > 3 {
				continue
			}
		}
		key := [3]int{d, map[string]int{"bug": 0, "dev": 1, "fp": 2}[x.verdict], 1}
		if ruleOK {
			key[2] = 0
		}
		if best == nil || slices.Compare(key[:], bestKey[:]) < 0 {
			best, bestKey = x, key
		}
	}
	return best
}

// TestRealRepositories lints the labelled snapshots of real repositories
// beside the project and holds precision and the bugs found to a floor. A
// false finding is listed with the reviewer's note.
func TestRealRepositories(t *testing.T) {
	if testing.Short() {
		t.Skip("lints every labelled repository")
	}
	set := filepath.Join(repoRoot(t), "..", "shared", "repos")
	entries, err := os.ReadDir(set)
	if err != nil {
		t.Skipf("no labelled repositories beside the project: %v", err)
	}
	var tp, falses, bugs, found int
	for _, e := range entries {
		labels := filepath.Join(set, e.Name(), "LABELS.tsv")
		if _, err := os.Stat(labels); err != nil {
			continue
		}
		rows := readLabels(t, labels)
		dir := filepath.Join(t.TempDir(), e.Name())
		if err := os.CopyFS(dir, os.DirFS(filepath.Join(set, e.Name()))); err != nil {
			t.Fatal(err)
		}
		os.Remove(filepath.Join(dir, "LABELS.tsv"))
		os.Mkdir(filepath.Join(dir, ".git"), 0o755)
		t.Chdir(dir)
		var stdout, stderr bytes.Buffer
		code := cli.Main([]string{"--format", "json", "."}, strings.NewReader(""), &stdout, &stderr)
		if code > 1 {
			t.Errorf("%s: exit %d: %s", e.Name(), code, stderr.String())
		}
		var doc struct{ Findings []finding }
		if err := json.NewDecoder(io.LimitReader(&stdout, 64<<20)).Decode(&doc); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		hit := map[string]bool{}
		for _, f := range doc.Findings {
			if f.Severity != "warning" && f.Severity != "error" {
				continue
			}
			switch x := labelOf(rows, f); {
			case x != nil && x.verdict == "bug":
				tp++
				hit[x.group] = true
			case x != nil && x.verdict == "dev":
			default:
				falses++
				why := "unlabelled"
				if x != nil {
					why = x.note
				}
				t.Logf("false: %s %s %s:%d [%.100s]", e.Name(), f.Rule, f.File, f.Line, why)
			}
		}
		groups := map[string]bool{}
		for _, x := range rows {
			if x.verdict == "bug" {
				groups[x.group] = true
			}
		}
		bugs += len(groups)
		found += len(hit)
	}
	precision := 1.0
	if tp+falses > 0 {
		precision = float64(tp) / float64(tp+falses)
	}
	t.Logf("precision %.0f%% recall %d/%d (tp %d, false %d)", 100*precision, found, bugs, tp, falses)
	if precision < minPrecision {
		t.Errorf("precision %.2f is under %.2f", precision, minPrecision)
	}
	if found < minBugsFound {
		t.Errorf("%d labelled bugs found, fewer than %d", found, minBugsFound)
	}
}
