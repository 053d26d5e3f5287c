package kamal

import (
	"strings"
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

const deploy = `service: shop
image: acme/shop
servers:
  web:
    - 192.168.0.1
  job:
    hosts:
      - 192.168.0.2
    cmd: bundle exec sidekiq -q "default critical"
    stop_timeout: 90
    options:
      init: true
      stop-signal: SIGTERM
  cron:
    hosts: [192.168.0.3]
    proxy: true
    env:
      clear:
        CRON: "1"
env:
  clear:
    SOLID_QUEUE_IN_PUMA: true
  secret:
    - RAILS_MASTER_KEY
builder:
  arch: amd64
  dockerfile: Dockerfile.production
drain_timeout: 45
`

func TestParse(t *testing.T) {
	if !IsConfig([]byte(deploy)) {
		t.Fatal("IsConfig = false")
	}
	c, err := Parse([]byte(deploy))
	if err != nil {
		t.Fatal(err)
	}
	if c.Image != "acme/shop" || c.Dockerfile != "Dockerfile.production" || c.Context != "." || c.Env["SOLID_QUEUE_IN_PUMA"] != "true" {
		t.Errorf("config = %+v", c)
	}
	if n, ok := c.DrainTimeout.Int(); !ok || n != 45 || c.StopTimeout != nil {
		t.Errorf("drain_timeout = %d, stop_timeout = %v", n, c.StopTimeout)
	}
	if len(c.Roles) != 3 {
		t.Fatalf("roles = %d", len(c.Roles))
	}
	web, job, cron := c.Roles[0], c.Roles[1], c.Roles[2]
	if !web.Proxy || web.Node != nil || deploy[web.KeyStart:web.KeyEnd] != "web" {
		t.Errorf("web = %+v: the primary role is proxied", web)
	}
	if job.Proxy || job.Options["init"] == nil || !job.Options["init"].Bool {
		t.Errorf("job = %+v", job)
	}
	if n, _ := job.StopTimeout.Int(); n != 90 {
		t.Errorf("job stop_timeout = %d", n)
	}
	if w, ok := job.Words(); !ok || strings.Join(w, "|") != "bundle|exec|sidekiq|-q|default critical" {
		t.Errorf("job words = %q", w)
	}
	if !cron.Proxy || cron.Env["CRON"] != "1" || cron.Env["SOLID_QUEUE_IN_PUMA"] != "true" {
		t.Errorf("cron = %+v: proxy set, env merged over the top level", cron)
	}
	if IsConfig([]byte("services:\n  web:\n    image: x\n")) {
		t.Error("a Compose file is not a Kamal configuration")
	}
}

func TestHostList(t *testing.T) {
	c, err := Parse([]byte("service: s\nimage: i\nprimary_role: app\nservers:\n  - 1.2.3.4\n"))
	if err != nil || len(c.Roles) != 1 || c.Roles[0].Name != "app" || !c.Roles[0].Proxy {
		t.Errorf("roles = %+v, %v", c.Roles, err)
	}
}

func FuzzParse(f *testing.F) {
	// YAML aliases that refer to themselves, and that expand to 10^9 values.
	f.Add([]byte("services: &s\n  w: *s\n"))
	f.Add([]byte("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\na1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\na2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\na3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\na4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\na5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]\nservices: {w: {command: *a5}}\n"))
	f.Add([]byte(deploy))
	f.Add([]byte("service: s\nimage: i\nservers: [a]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		c, err := Parse(src)
		if err != nil {
			return
		}
		for _, r := range c.Roles {
			if r.KeyStart < 0 || r.KeyEnd > len(src) || r.KeyStart > r.KeyEnd {
				t.Fatalf("role %q key out of the file", r.Name)
			}
			r.Words()
		}
	})
}

func TestERB(t *testing.T) {
	src := "<% require \"dotenv\"; Dotenv.load(\".env\") %>\nservice: s\nimage: <%= ENV[\"IMAGE\"] %>\nservers:\n  web:\n    - 1.2.3.4\n"
	if !IsConfig([]byte(src)) {
		t.Fatal("a configuration with ERB tags is not recognized")
	}
	c, err := Parse([]byte(src))
	if err != nil || c.Image != "" || len(c.Roles) != 1 || src[c.Roles[0].KeyStart:c.Roles[0].KeyEnd] != "web" {
		t.Errorf("config = %+v, %v: the image an ERB tag writes is not known", c, err)
	}
}
