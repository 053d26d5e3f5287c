package shell

import "testing"

func TestExpand(t *testing.T) {
	env := map[string]string{"SIDEKIQ_TIMEOUT": "60", "APP": "/srv/app", "EMPTY": ""}
	for _, tt := range []struct {
		word, want string
		ok         bool
	}{
		{"25", "25", true},
		{"$SIDEKIQ_TIMEOUT", "60", true},
		{`"${SIDEKIQ_TIMEOUT}"`, "60", true},
		{"${MISSING:-25}", "25", true},
		{"${EMPTY:-25}", "25", true},
		{"$APP/config/sidekiq.yml", "/srv/app/config/sidekiq.yml", true},
		{"$MISSING", "", false},
		{"$(cat /etc/timeout)", "", false},
		{"$1", "", false},
		{"${MISSING-30}", "30", true},
		{"${EMPTY-30}", "", true},
		{"${#APP}", "", false},
		{"$((1+2))", "", false},
		{"${APP}-${SIDEKIQ_TIMEOUT}s", "/srv/app-60s", true},
		{`"$@"`, "", false},
	} {
		s, err := Parse("cmd " + tt.word)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := s.Commands[0].Args[1].Expand(env)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Expand(%s) = %q, %v; want %q, %v", tt.word, got, ok, tt.want, tt.ok)
		}
	}
}
