package railsconfig

import (
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

func TestShutdownTimeout(t *testing.T) {
	for src, want := range map[string]int{
		"Rails.application.configure do\n  config.solid_queue.shutdown_timeout = 20.seconds\nend\n":  20,
		"  config.solid_queue.shutdown_timeout = 2.minutes # long jobs\n":                            120,
		"config.solid_queue.shutdown_timeout = 3\nconfig.solid_queue.shutdown_timeout = 9.seconds\n": 9,
		"config.solid_queue.shutdown_timeout = ENV.fetch(\"T\", 30).to_i.seconds\n":                  -1,
		"# config.solid_queue.shutdown_timeout = 20.seconds\n":                                       -2,
	} {
		got, ok := Setting([]byte(src), "solid_queue.shutdown_timeout")
		switch {
		case want == -2 && ok:
			t.Errorf("%q: a comment sets nothing, got %+v", src, got)
		case want == -1 && (!ok || got.Known):
			t.Errorf("%q: want a value set but not known, got %+v %v", src, got, ok)
		case want >= 0 && (!ok || !got.Known || got.Seconds != want):
			t.Errorf("%q = %+v, want %d", src, got, want)
		}
	}
	src := "x\n  config.solid_queue.shutdown_timeout = 20.seconds\n"
	if got, _ := Setting([]byte(src), "solid_queue.shutdown_timeout"); got.Line != 2 || src[got.Start:got.End] != "20.seconds" {
		t.Errorf("position = %+v", got)
	}
}

func TestGoodJobNoBound(t *testing.T) {
	got, ok := Setting([]byte("Rails.application.configure do\n  config.good_job.shutdown_timeout = -1 # wait for jobs\nend\n"), "good_job.shutdown_timeout")
	if !ok || !got.Known || got.Seconds != -1 {
		t.Errorf("good_job.shutdown_timeout = %+v %v, want -1", got, ok)
	}
	if _, ok := Setting([]byte("config.solid_queue.shutdown_timeout = 3\n"), "good_job.shutdown_timeout"); ok {
		t.Error("another backend's setting is not this one")
	}
}

func TestPumaPlugin(t *testing.T) {
	for src, want := range map[string]string{
		"plugin :solid_queue if ENV[\"SOLID_QUEUE_IN_PUMA\"]\n": "SOLID_QUEUE_IN_PUMA",
		"plugin :solid_queue\n":                                 "",
		"plugin(:solid_queue) if ENV.fetch('JOBS', nil)\n":      "JOBS",
		"plugin :solid_queue if jobs_here?\n":                   "-",
		"# plugin :solid_queue\nplugin :tmp_restart\n":          "-",
	} {
		env, ok := PumaPlugin([]byte(src), "solid_queue")
		if want == "-" && ok || want != "-" && (!ok || env != want) {
			t.Errorf("PumaPlugin(%q) = %q %v, want %q", src, env, ok, want)
		}
	}
}

func FuzzSetting(f *testing.F) {
	f.Add([]byte("config.solid_queue.shutdown_timeout = 20.seconds\nplugin :solid_queue if ENV[\"X\"]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		if got, ok := Setting(src, "solid_queue.shutdown_timeout"); ok && (got.Start < 0 || got.End > len(src) || got.Start > got.End || got.Seconds < -1<<20) {
			t.Fatalf("timeout %+v out of the file", got)
		}
		PumaPlugin(src, "solid_queue")
	})
}
