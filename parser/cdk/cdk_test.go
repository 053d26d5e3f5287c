package cdk

import (
	"testing"

	"github.com/gracelint/gracelint/internal/fuzzbudget"
)

const manifestJSON = `{
  "version": "36.0.0",
  "files": {"abc": {"source": {"path": "asset.abc", "packaging": "zip"}}},
  "dockerImages": {
    "5d2f": {
      "source": {"directory": "asset.5d2f", "dockerFile": "docker/Dockerfile.worker", "dockerBuildTarget": "worker"},
      "destinations": {"current_account-current_region": {"repositoryName": "cdk-hnb659fds-container-assets", "imageTag": "5d2f"}}
    },
    "e1": {"source": {"executable": ["build.sh"]}, "destinations": {}},
    "a9": {"source": {"directory": "asset.a9"}, "destinations": {"d": {"imageTag": "v1-a9"}}}
  }
}`

func TestAssets(t *testing.T) {
	assets, err := Assets([]byte(manifestJSON))
	if err != nil {
		t.Fatal(err)
	}
	if b := assets["5d2f"]; b != (Build{Context: "asset.5d2f", Dockerfile: "asset.5d2f/docker/Dockerfile.worker", Target: "worker"}) {
		t.Errorf("5d2f = %+v", b)
	}
	if b := assets["v1-a9"]; b.Dockerfile != "asset.a9/Dockerfile" {
		t.Errorf("v1-a9 = %+v: the Dockerfile defaults to Dockerfile, found by its tag", b)
	}
	if _, ok := assets["e1"]; ok {
		t.Error("an asset an executable builds has no Dockerfile to read")
	}
	if _, err := Assets([]byte("{")); err == nil {
		t.Error("a broken manifest is an error")
	}
}

func FuzzAssets(f *testing.F) {
	f.Add([]byte(manifestJSON))
	f.Fuzz(func(t *testing.T, src []byte) {
		defer fuzzbudget.Check(t)()
		assets, err := Assets(src)
		if err != nil {
			return
		}
		for _, b := range assets {
			if b.Dockerfile == "" || b.Context == "" {
				t.Fatalf("asset %+v", b)
			}
		}
	})
}
