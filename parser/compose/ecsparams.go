package compose

import (
	"github.com/gracelint/gracelint/parser/jsonpos"
	"github.com/gracelint/gracelint/parser/yamlpos"
)

// ECSParams is what an ecs-params.yml says of the services of the Compose
// file beside it, which ecs-cli deploys to ECS.
type ECSParams struct {
	// Init holds the services whose task_definition.services entry sets
	// init_process_enabled: true.
	Init map[string]bool
}

// ParseECSParams reads an ecs-params.yml (aws/amazon-ecs-cli,
// ecs_params_reader.go: task_definition.services.<name>.init_process_enabled).
func ParseECSParams(src []byte) (*ECSParams, error) {
	docs, err := yamlpos.Parse(src)
	if err != nil {
		return nil, err
	}
	p := &ECSParams{Init: map[string]bool{}}
	if len(docs) == 0 {
		return p, nil
	}
	services := docs[0].Get("task_definition").Get("services")
	if services == nil || services.Kind != jsonpos.Object {
		return p, nil
	}
	for _, s := range services.Members {
		if v := s.Value.Get("init_process_enabled"); v != nil && v.Kind == jsonpos.Bool && v.Bool {
			p.Init[s.Key] = true
		}
	}
	return p, nil
}
