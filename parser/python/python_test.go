package python

import (
	"slices"
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

func TestImports(t *testing.T) {
	src := `import asyncio, os.path as p
from datetime import timedelta
from temporalio.worker import (
    Worker,
    UnsandboxedWorkflowRunner as Runner,
)
from . import sibling
from .rel import x
def main():
    from tracecat.temporal.worker_lifecycle import run_worker_entrypoint
    s = "import fake"  # import also_fake
x = 1
`
	got := Parse([]byte(src)).Imports()
	want := []string{"asyncio", "os.path", "datetime", "datetime.timedelta", "temporalio.worker", "temporalio.worker.Worker",
		"temporalio.worker.UnsandboxedWorkflowRunner", "tracecat.temporal.worker_lifecycle", "tracecat.temporal.worker_lifecycle.run_worker_entrypoint"}
	if !slices.Equal(got, want) {
		t.Errorf("Imports() =\n%q\nwant\n%q", got, want)
	}
}

func TestUses(t *testing.T) {
	f := Parse([]byte("import signal\nloop.add_signal_handler(signal.SIGTERM, stop)\n# SIGINT\nx = 'SIGQUIT'\n"))
	for id, want := range map[string]bool{"SIGTERM": true, "SIGINT": false, "SIGQUIT": false, "signal": true} {
		if got := f.Uses(id); got != want {
			t.Errorf("Uses(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestKeywordDurations(t *testing.T) {
	tests := []struct {
		src   string
		want  []int // -1: not known
		texts []string
	}{
		{`Worker(client, task_queue="q", graceful_shutdown_timeout=timedelta(seconds=30))`, []int{30}, nil},
		{`async with Worker(
    client,
    activities=[a, b],
    graceful_shutdown_timeout=timedelta(minutes=5),
):`, []int{300}, nil},
		{`w = Worker(c, graceful_shutdown_timeout=datetime.timedelta(hours=1, seconds=1.5))`, []int{3602}, nil},
		{`w = Worker(c, graceful_shutdown_timeout=timedelta(0, 45))`, []int{45}, nil},
		{`w = Worker(c, graceful_shutdown_timeout=timedelta(milliseconds=1_500))`, []int{2}, nil},
		{`Worker(c, graceful_shutdown_timeout=timedelta(
    seconds=config.TIMEOUT
))`, []int{-1}, []string{"timedelta(seconds=config.TIMEOUT)"}},
		{`Worker(c, graceful_shutdown_timeout=SHUTDOWN)`, []int{-1}, []string{"SHUTDOWN"}},
		{`Worker(c, graceful_shutdown_timeout=timedelta(seconds=30) * 2)`, []int{-1}, nil},
		{`Worker(c, graceful_shutdown_timeout=timedelta(seconds=-3))`, []int{-1}, nil},
		{`def Worker(graceful_shutdown_timeout=timedelta(seconds=9)): pass`, nil, nil},
		{`Worker(c, options=dict(graceful_shutdown_timeout=timedelta(seconds=9)))`, nil, nil},
		{`Other(c, graceful_shutdown_timeout=timedelta(seconds=9))`, nil, nil},
		{`Worker(c, graceful_shutdown_timeout=timedelta(seconds=9)`, []int{9}, nil}, // unclosed: read to the end
		{"GRACE = timedelta(minutes=2)\n\nasync def main():\n    Worker(c, graceful_shutdown_timeout=GRACE)\n", []int{120}, []string{"GRACE"}},
		{"DRAIN_SECONDS = 45\nWorker(c, graceful_shutdown_timeout=timedelta(seconds=DRAIN_SECONDS))\n", []int{45}, nil},
		{"GRACE = timedelta(\n    seconds=40,\n)\nWorker(c, graceful_shutdown_timeout=GRACE)\n", []int{40}, nil},
		{"GRACE = timedelta(seconds=30)\nif DEBUG:\n    GRACE = timedelta(0)\nWorker(c, graceful_shutdown_timeout=GRACE)\n", []int{-1}, nil}, // changed in a branch
		{"GRACE = timedelta(seconds=30)\nGRACE = timedelta(seconds=60)\nWorker(c, graceful_shutdown_timeout=GRACE)\n", []int{-1}, nil},
		{"A=A\nWorker(graceful_shutdown_timeout=A)", []int{-1}, nil}, // found by FuzzParse: it recursed without end
		{"A=B\nB=timedelta(seconds=5)\nWorker(graceful_shutdown_timeout=A)", []int{-1}, nil},
		{"DRAIN = int(os.environ['DRAIN'])\nWorker(c, graceful_shutdown_timeout=timedelta(seconds=DRAIN))\n", []int{-1}, nil},
		{`print("Worker(c, graceful_shutdown_timeout=timedelta(seconds=9))")`, nil, nil},
	}
	for _, tt := range tests {
		ds := Parse([]byte(tt.src)).KeywordDurations("Worker", "graceful_shutdown_timeout")
		var got []int
		for i, d := range ds {
			n := d.Seconds
			if !d.Known {
				n = -1
			}
			got = append(got, n)
			if i < len(tt.texts) && d.Text != tt.texts[i] {
				t.Errorf("%s: Text = %q, want %q", tt.src, d.Text, tt.texts[i])
			}
			if tt.src[d.Start:d.End] == "" {
				t.Errorf("%s: empty span", tt.src)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.src, got, tt.want)
		}
	}
}

func TestStrings(t *testing.T) {
	src := "a = '''x\n' SIGTERM\n'''\nb = rb\"\\\"\" ; c = f'{SIGTERM}'\nd = \"unterminated\nSIGTERM\n"
	f := Parse([]byte(src))
	var names []string
	for _, tk := range f.toks {
		if tk.kind == name {
			names = append(names, tk.text)
		}
	}
	if want := []string{"a", "b", "c", "d", "SIGTERM"}; !slices.Equal(names, want) {
		t.Errorf("names = %q, want %q", names, want)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"from a.b import (c as d, e)\nimport x, y.z as w\n",
		"Worker(c, graceful_shutdown_timeout=timedelta(seconds=30, minutes=1))",
		"s = '''\\'''\" f'{x}' rb'\\\\' 1e-3 0x1f .5",
		"Worker(graceful_shutdown_timeout=timedelta(1e308, 1e308))",
		"((((((((", "from", "import", "from . import",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		p := Parse(src)
		p.Imports()
		p.Uses("SIGTERM")
		for _, d := range p.KeywordDurations("Worker", "graceful_shutdown_timeout") {
			if d.Start < 0 || d.End > len(src) || d.Start > d.End {
				t.Fatalf("span %d-%d outside the source (%d bytes)", d.Start, d.End, len(src))
			}
			if d.Known && d.Seconds < 0 {
				t.Fatalf("negative duration %d", d.Seconds)
			}
		}
	})
}
