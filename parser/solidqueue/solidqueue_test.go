package solidqueue

import "testing"

func TestShutdownTimeout(t *testing.T) {
	for src, want := range map[string]int{
		"Rails.application.configure do\n  config.solid_queue.shutdown_timeout = 20.seconds\nend\n":  20,
		"  config.solid_queue.shutdown_timeout = 2.minutes # long jobs\n":                            120,
		"config.solid_queue.shutdown_timeout = 3\nconfig.solid_queue.shutdown_timeout = 9.seconds\n": 9,
		"config.solid_queue.shutdown_timeout = ENV.fetch(\"T\", 30).to_i.seconds\n":                  -1,
		"# config.solid_queue.shutdown_timeout = 20.seconds\n":                                       -2,
	} {
		got, ok := ShutdownTimeout([]byte(src))
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
	if got, _ := ShutdownTimeout([]byte(src)); got.Line != 2 || src[got.Start:got.End] != "20.seconds" {
		t.Errorf("position = %+v", got)
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
		env, ok := PumaPlugin([]byte(src))
		if want == "-" && ok || want != "-" && (!ok || env != want) {
			t.Errorf("PumaPlugin(%q) = %q %v, want %q", src, env, ok, want)
		}
	}
}

func FuzzShutdownTimeout(f *testing.F) {
	f.Add([]byte("config.solid_queue.shutdown_timeout = 20.seconds\nplugin :solid_queue if ENV[\"X\"]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if got, ok := ShutdownTimeout(src); ok && (got.Start < 0 || got.End > len(src) || got.Start > got.End || got.Seconds < 0) {
			t.Fatalf("timeout %+v out of the file", got)
		}
		PumaPlugin(src)
	})
}
