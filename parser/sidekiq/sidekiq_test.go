package sidekiq

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

func TestReadTimeout(t *testing.T) {
	tests := []struct {
		name, src, env string
		vars           map[string]string
		known          bool
		seconds        int
		value          string // the original text of the value
		why            string
	}{
		{"plain", "concurrency: 5\ntimeout: 8\n", "production", nil, true, 8, "8", ""},
		{"symbol key", "---\n:concurrency: 5\n:timeout: 30 # seconds\n", "production", nil, true, 30, "30", ""},
		{"fetch default", `:timeout: <%= ENV.fetch("SIDEKIQ_TIMEOUT", 25).to_i %>` + "\n", "production", nil, true, 25, `<%= ENV.fetch("SIDEKIQ_TIMEOUT", 25).to_i %>`, ""},
		{"fetch from env", `:timeout: <%= ENV.fetch("SIDEKIQ_TIMEOUT", 25).to_i %>` + "\n", "production", map[string]string{"SIDEKIQ_TIMEOUT": "60"}, true, 60, "", ""},
		{"fetch block", "timeout: <%= ENV.fetch('T') { 40 } %>\n", "production", nil, true, 40, "", ""},
		{"or", "timeout: <%= (ENV['T'] || 12).to_i %>\n", "production", nil, true, 12, "", ""},
		{"Integer", "timeout: <%= Integer(ENV.fetch(\"T\", \"9\")) %>\n", "production", nil, true, 9, "", ""},
		{"environment section", "timeout: 10\nproduction:\n  timeout: 20\nstaging:\n  timeout: 5\n", "production", nil, true, 20, "20", ""},
		{"symbol section", "timeout: 10\n:staging:\n  :timeout: 5\n", "staging", nil, true, 5, "5", ""},
		{"unknown ERB", "timeout: <%= Rails.application.config.x.timeout %>\n", "production", nil, false, 0, "", "is ERB gracelint does not evaluate"},
		{"control flow", "<% if ENV['X'] %>\ntimeout: 10\n<% end %>\n", "production", nil, false, 0, "", "control flow"},
		{"not a number", "timeout: soon\n", "production", nil, false, 0, "", "not a number"},
		{"comment tag", "<%# the queue setup %>\ntimeout: 15\n", "production", nil, true, 15, "15", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReadTimeout([]byte(tt.src), tt.env, tt.vars)
			if !got.Set || got.Known != tt.known || got.Seconds != tt.seconds || !strings.Contains(got.Why, tt.why) {
				t.Fatalf("got %+v", got)
			}
			if tt.value != "" && tt.src[got.Start:got.End] != tt.value {
				t.Errorf("value text %q, want %q", tt.src[got.Start:got.End], tt.value)
			}
		})
	}
	if got := ReadTimeout([]byte("concurrency: 5\n"), "production", nil); got.Set {
		t.Errorf("no timeout: %+v", got)
	}
	if got := ReadTimeout([]byte("a: [\n"), "production", nil); got.Set || got.Why == "" {
		t.Errorf("bad YAML: %+v", got)
	}
}

// TestCorpus reads the real-world Sidekiq configurations without a crash,
// and every value it reads is a plausible number of seconds.
func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/corpus/sidekiq_yml/*")
	if len(files) == 0 {
		t.Skip("../shared/corpus is not beside the repository")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got := ReadTimeout(src, "production", nil)
		if got.Known && (got.Seconds <= 0 || got.Seconds > 3600) {
			t.Errorf("%s: timeout %d", filepath.Base(f), got.Seconds)
		}
		t.Logf("%s: %+v", filepath.Base(f), got)
	}
}

func FuzzReadTimeout(f *testing.F) {
	f.Add([]byte(":timeout: <%= ENV.fetch(\"T\", 25).to_i %>\nproduction:\n  :timeout: 3\n"), "production")
	f.Fuzz(func(t *testing.T, src []byte, env string) {
		defer fuzzbudget.Check(t)()
		got := ReadTimeout(src, env, map[string]string{"T": "7"})
		if got.Start < 0 || got.End > len(src) || got.Start > got.End {
			t.Fatalf("span %d..%d outside the input", got.Start, got.End)
		}
	})
}
