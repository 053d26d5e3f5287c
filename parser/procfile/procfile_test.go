package procfile

import (
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

func TestParse(t *testing.T) {
	src := "# processes\nweb:    bundle exec puma -C config/puma.rb\r\nworker: bundle exec bin/jobs\n\nbad line\nrelease:\n"
	got := Parse([]byte(src))
	if len(got) != 2 {
		t.Fatalf("entries = %+v", got)
	}
	for i, want := range []Entry{{Name: "web", Command: "bundle exec puma -C config/puma.rb"}, {Name: "worker", Command: "bundle exec bin/jobs"}} {
		if got[i].Name != want.Name || got[i].Command != want.Command || src[got[i].Start:got[i].End] != want.Command {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("web: puma\nworker: sidekiq -t 25\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		for _, e := range Parse(src) {
			if e.Start < 0 || e.End > len(src) || string(src[e.Start:e.End]) != e.Command {
				t.Fatalf("entry %+v does not point at its command", e)
			}
		}
	})
}
