package phpconfig

import (
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

const horizon = `<?php

use Illuminate\Support\Str;

return [
    /*
     | Horizon's supervisors.
     */
    'prefix' => env('HORIZON_PREFIX', Str::slug(env('APP_NAME', 'laravel'), '_').'_horizon:'),
    'defaults' => [
        'supervisor-1' => [
            'queue' => ['default'],
            'timeout' => 60, // seconds
            "tries" => 1,
        ],
    ],
    # per environment
    'environments' => array(
        'production' => [
            'supervisor-1' => [
                'maxProcesses' => env('HORIZON_MAX', 10) * 2,
                'timeout' => env('HORIZON_SUPERVISOR_TIMEOUT', 300),
            ],
        ],
        'local' => ['supervisor-1' => ['timeout' => 90]],
    ),
];
`

func TestParse(t *testing.T) {
	root := Parse([]byte(horizon))
	if root == nil || root.Kind != Array {
		t.Fatalf("root = %+v", root)
	}
	if v := root.Get("prefix"); v.Kind != Env || v.Str != "HORIZON_PREFIX" || v.Default.Kind != Unknown {
		t.Errorf("prefix = %+v", v)
	}
	if v := root.Get("defaults").Get("supervisor-1").Get("timeout"); v.Kind != Int || v.Int != 60 || horizon[v.Start:v.End] != "60" {
		t.Errorf("defaults timeout = %+v", v)
	}
	prod := root.Get("environments").Get("production").Get("supervisor-1")
	if v := prod.Get("maxProcesses"); v.Kind != Unknown {
		t.Errorf("an expression must be unknown, got %+v", v)
	}
	if v := prod.Get("timeout"); v.Kind != Env || v.Str != "HORIZON_SUPERVISOR_TIMEOUT" || v.Default.Int != 300 {
		t.Errorf("production timeout = %+v", v)
	}
	if v := root.Get("environments").Get("local").Get("supervisor-1").Get("timeout"); v.Int != 90 {
		t.Errorf("local timeout = %+v", v)
	}
	if Parse([]byte("<?php\necho 1;\n")) != nil {
		t.Error("a file that returns nothing has no configuration")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(horizon))
	f.Add([]byte("<?php return [[[[(('a' => 1"))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		var walk func(v *Value, depth int)
		walk = func(v *Value, depth int) {
			if v == nil {
				return
			}
			if v.Start < 0 || v.End > len(src) || v.Start > v.End {
				t.Fatalf("value %+v out of the file", v)
			}
			for _, e := range v.Entries {
				walk(e.Value, depth+1)
			}
			walk(v.Default, depth+1)
		}
		walk(Parse(src), 0)
	})
}
