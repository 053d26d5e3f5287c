// Package num reads the whole numbers files give for times (seconds,
// milliseconds) so that arithmetic on them cannot overflow.
package num

import "strconv"

// Max is the largest value Atoi returns: about 35,000 years in seconds,
// far past any stop timeout, and far enough below the int range that sums
// and products of a few of them stay exact.
const Max = 1 << 40

// Atoi is strconv.Atoi with values above Max, and those too large for an
// int, read as Max: a timeout of 2^63 s is no shorter than one of Max.
func Atoi(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && len(s) > 0 && s[0] != '-' {
		return Max, nil
	}
	if err != nil {
		return 0, err
	}
	return min(n, Max), nil
}
