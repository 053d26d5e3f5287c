package cli

import (
	"fmt"
	"os"
	"path/filepath"

	udiff "github.com/aymanbagabas/go-udiff"
)

// writeAtomic replaces the file at path with data: a temporary file in the
// same directory, renamed over the target, keeps readers from ever seeing a
// half-written file. A symlink is written through to its target, and the
// target's permissions are kept.
func writeAtomic(path string, data []byte) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".gracelint-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}

// unifiedDiff is the diff from before to after of the file shown as name,
// with headers that `patch -p0` and `git apply -p0` take.
func unifiedDiff(name string, before, after []byte) (string, error) {
	d, err := udiff.ToUnified(name, name, string(before), udiff.Lines(string(before), string(after)), udiff.DefaultContextLines)
	if err != nil {
		return "", fmt.Errorf("diff of %s: %w", name, err)
	}
	return d, nil
}
