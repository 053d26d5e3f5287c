package num

import "testing"

func TestAtoi(t *testing.T) {
	for in, want := range map[string]int{"30": 30, "0": 0, "-5": -5, "9223372036854775807": Max, "99999999999999999999999": Max, "1099511627777": Max} {
		if got, err := Atoi(in); err != nil || got != want {
			t.Errorf("Atoi(%q) = %d, %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "-99999999999999999999999", "1.5"} {
		if _, err := Atoi(in); err == nil {
			t.Errorf("Atoi(%q): want an error", in)
		}
	}
}
