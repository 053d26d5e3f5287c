package cli

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/gracelint/gracelint/docs"
	"github.com/gracelint/gracelint/internal/config"
	"github.com/gracelint/gracelint/lint"
	"github.com/gracelint/gracelint/rules"
	"github.com/spf13/cobra"
)

func rulesCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "rules",
		Short: "List the rules",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tSEVERITY\tFIXABLE\tSUMMARY")
			for _, r := range rules.All() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, r.Severity, r.Fixable(), r.Summary)
			}
			return tw.Flush()
		},
	}
}

func versionCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print gracelint's version (a file named version is linted as ./version)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(stdout, "gracelint version %s\n", Version)
			return err
		},
	}
}

func explainCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "explain RULE",
		Short: "Print a rule's documentation (RULE is an ID or a name)",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			for _, r := range rules.All() {
				if strings.EqualFold(args[0], r.ID) || args[0] == r.Name {
					page, ok := docs.Rule(r.ID)
					if !ok {
						return fmt.Errorf("%s has no documentation page", r.ID)
					}
					_, err := io.WriteString(stdout, page)
					return err
				}
			}
			return fmt.Errorf("unknown rule %q (gracelint rules lists them)", args[0])
		},
	}
}

func configCommand(stdout io.Writer) *cobra.Command {
	c := &cobra.Command{Use: "config", Short: "Work with the configuration file"}
	c.AddCommand(&cobra.Command{
		Use:   "init",
		Short: "Write a commented .gracelint.yaml with the defaults to the current directory",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			wd, err := os.Getwd()
			if err != nil {
				return err
			}
			p, err := config.Init(wd)
			if errors.Is(err, config.ErrExists) {
				return fmt.Errorf("%w; not overwriting it", err)
			}
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(stdout, "wrote %s; its first line names the JSON Schema editors check it with (gracelint config schema prints it)\n", p)
			return err
		},
	})
	c.AddCommand(&cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of .gracelint.yaml, for editors",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := stdout.Write(config.Schema)
			return err
		},
	})
	return c
}

// chooseRules applies --select and --ignore to the options every file is
// linted with, over what the configuration file says.
func chooseRules(opt *lint.Options, selected, ignored []string) error {
	find := func(flag, name string) (*lint.Rule, error) {
		for _, r := range rules.All() {
			if strings.EqualFold(r.ID, name) || r.Name == name {
				return r, nil
			}
		}
		return nil, fmt.Errorf("--%s %s: no such rule; gracelint rules lists them", flag, name)
	}
	disabled := maps.Clone(opt.Disabled)
	if disabled == nil {
		disabled = map[string]bool{}
	}
	if len(selected) > 0 {
		keep := map[string]bool{}
		for _, name := range selected {
			r, err := find("select", strings.TrimSpace(name))
			if err != nil {
				return err
			}
			keep[r.ID] = true
		}
		for _, r := range rules.All() {
			if !keep[r.ID] {
				disabled[r.ID] = true
			}
		}
	}
	for _, name := range ignored {
		r, err := find("ignore", strings.TrimSpace(name))
		if err != nil {
			return err
		}
		disabled[r.ID] = true
	}
	opt.Disabled = disabled
	return nil
}
