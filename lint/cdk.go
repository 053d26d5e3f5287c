package lint

import (
	"io/fs"
	"path"
	"strings"

	"github.com/gracelint/gracelint/parser/cdk"
)

// cdkAssets reads the CDK asset manifests (*.assets.json) of dir, where
// cdk synth writes them beside the templates.
func (l *Linter) cdkAssets(dir string) map[string]cdk.Build {
	if l.FS == nil || dir == "" || !fs.ValidPath(dir) {
		return nil
	}
	names, _ := fs.Glob(l.FS, path.Join(escapeGlob(dir), "*.assets.json"))
	out := map[string]cdk.Build{}
	for _, n := range names {
		src, ok := l.readRoot(n)
		if !ok {
			continue
		}
		if assets, err := cdk.Assets(src); err == nil {
			for tag, b := range assets {
				out[tag] = b
			}
		}
	}
	return out
}

// escapeGlob quotes the glob metacharacters of a directory name.
func escapeGlob(dir string) string {
	var b strings.Builder
	for _, c := range dir {
		if strings.ContainsRune(`*?[\`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// assetBuild finds the asset a container's Image names, written in text:
// cdk synth writes an Fn::Sub or Fn::Join of the repository and the
// asset's tag, which the template parser keeps as an expression.
func assetBuild(text string, assets map[string]cdk.Build) (cdk.Build, bool) {
	var found []string
	for tag := range assets {
		if strings.Contains(text, ":"+tag+`"`) || strings.Contains(text, `"`+tag+`"`) {
			found = append(found, tag)
		}
	}
	if len(found) != 1 {
		return cdk.Build{}, false
	}
	return assets[found[0]], true
}
