// Command gracelint finds container configurations that make workers lose
// jobs when the container is stopped.
package main

import (
	"os"

	"github.com/gracelint/gracelint/internal/cli"
)

func main() {
	cli.TuneGC(os.Getenv)
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
