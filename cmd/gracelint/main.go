// Command gracelint finds container configurations that make workers lose
// jobs when the container is stopped.
package main

import (
	"os"

	"github.com/gracelint/gracelint/internal/cli"
	"github.com/gracelint/gracelint/internal/monitor"
)

func main() {
	os.Exit(monitor.Run(func() int {
		cli.TuneGC(os.Getenv)
		return cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	}, os.Stderr))
}
