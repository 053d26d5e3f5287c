package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	udiff "github.com/aymanbagabas/go-udiff"
)

// writeFixed replaces the file at path, which held before when gracelint
// read it, with data. It writes only a regular file inside root (symlinks
// resolved first) that the user may write and that still holds before: an
// edit made meanwhile is never overwritten. A file with one link is
// replaced by a renamed temporary file (readers never see half of it) with
// the owner, group and mode bits of the old one; a file with several hard
// links is written in place, so that every link sees the fix.
func writeFixed(root, path string, before, data []byte) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	if target, err = filepath.Abs(target); err != nil {
		return err
	}
	if !inside(root, target) {
		return fmt.Errorf("%s is outside the lint root %s; not written", display(target), display(root))
	}
	info, err := os.Lstat(target)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("not a regular file; not written")
	}
	if info.Mode().Perm()&0o222 == 0 {
		return fmt.Errorf("the file is read-only (mode %04o); not written", info.Mode().Perm())
	}
	if err := unchanged(target, before); err != nil {
		return err
	}
	st, _ := info.Sys().(*syscall.Stat_t)
	if st != nil && st.Nlink > 1 {
		return writeInPlace(target, before, data)
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
	if st != nil && (int(st.Uid) != os.Getuid() || int(st.Gid) != os.Getgid()) {
		if err := tmp.Chown(int(st.Uid), int(st.Gid)); err != nil {
			// Not allowed to give the file its owner back: keep the inode.
			tmp.Close()
			return writeInPlace(target, before, data)
		}
	}
	// After Chown, which clears the set-ID bits.
	if err := tmp.Chmod(info.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := unchanged(target, before); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}

// writeInPlace rewrites a file through its own inode.
func writeInPlace(target string, before, data []byte) error {
	f, err := os.OpenFile(target, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	current := make([]byte, len(before)+1)
	n, _ := f.ReadAt(current, 0)
	if !bytes.Equal(current[:n], before) {
		f.Close()
		return errChanged
	}
	if _, err := f.WriteAt(data, 0); err != nil {
		f.Close()
		return err
	}
	if err := f.Truncate(int64(len(data))); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

var errChanged = errors.New("the file changed after gracelint read it; not written (run again)")

// unchanged tells whether the file still holds before.
func unchanged(target string, before []byte) error {
	current, err := readRegular(target)
	if err != nil {
		return err
	}
	if !bytes.Equal(current, before) {
		return errChanged
	}
	return nil
}

// inside tells whether path, with its symlinks resolved, lies in root.
func inside(root, path string) bool {
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
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
