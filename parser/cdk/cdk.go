// Package cdk reads the asset manifests AWS CDK synthesizes beside its
// CloudFormation templates (cdk.out/<Stack>.assets.json): which directory
// and Dockerfile build each container image asset, by the image tag the
// template refers to it with.
package cdk

import (
	"encoding/json"
	"path"
)

// Build is how CDK builds one image asset; paths are relative to the
// manifest's directory.
type Build struct {
	Context, Dockerfile, Target string
}

// manifest is the part of the asset manifest schema gracelint reads
// (aws-cdk cloud-assembly-schema, DockerImageAsset: source.directory is
// relative to the manifest, source.dockerFile defaults to "Dockerfile";
// each destination's imageTag is the tag the template names).
type manifest struct {
	DockerImages map[string]struct {
		Source struct {
			Directory         string `json:"directory"`
			DockerFile        string `json:"dockerFile"`
			DockerBuildTarget string `json:"dockerBuildTarget"`
		} `json:"source"`
		Destinations map[string]struct {
			ImageTag string `json:"imageTag"`
		} `json:"destinations"`
	} `json:"dockerImages"`
}

// Assets returns the image assets src declares by image tag. An asset
// built by an external command, with no directory, is left out.
func Assets(src []byte) (map[string]Build, error) {
	var m manifest
	if err := json.Unmarshal(src, &m); err != nil {
		return nil, err
	}
	out := map[string]Build{}
	for id, img := range m.DockerImages {
		s := img.Source
		if s.Directory == "" || path.IsAbs(s.Directory) {
			continue
		}
		file := s.DockerFile
		if file == "" {
			file = "Dockerfile"
		}
		b := Build{Context: path.Clean(s.Directory), Dockerfile: path.Join(s.Directory, file), Target: s.DockerBuildTarget}
		out[id] = b
		for _, d := range img.Destinations {
			if d.ImageTag != "" {
				out[d.ImageTag] = b
			}
		}
	}
	return out, nil
}
