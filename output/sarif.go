package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/gracelint/gracelint/docs"
	"github.com/gracelint/gracelint/internal/source"
	"github.com/gracelint/gracelint/lint"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                 `json:"tool"`
	Invocations        []sarifInvocation         `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactL `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult             `json:"results"`
	ColumnKind         string                    `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	HelpURI              string             `json:"helpUri"`
	Help                 sarifText          `json:"help"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifProperties    `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifProperties struct {
	Tags []string `json:"tags"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	CodeFlows           []sarifCodeFlow   `json:"codeFlows,omitempty"`
	Fixes               []sarifFix        `json:"fixes,omitempty"`
}

// sarifCodeFlow is the process tree of the container a result is about,
// as one thread of locations: code scanning shows it across files.
type sarifCodeFlow struct {
	ThreadFlows []sarifThreadFlow `json:"threadFlows"`
}

type sarifThreadFlow struct {
	Locations []sarifThreadFlowLocation `json:"locations"`
}

type sarifThreadFlowLocation struct {
	Location sarifLocation `json:"location"`
}

type sarifLocation struct {
	ID               *int          `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifText    `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactL `json:"artifactLocation"`
	Region           *sarifRegion   `json:"region,omitempty"`
}

type sarifArtifactL struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

type sarifFix struct {
	Description     sarifText             `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactL     `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion `json:"deletedRegion"`
	InsertedContent sarifText   `json:"insertedContent"`
}

var sarifLevel = map[lint.Severity]string{lint.Error: "error", lint.Warning: "warning", lint.Info: "note"}

// SARIF prints the report as SARIF 2.1.0, the format of GitHub code
// scanning. Columns count UTF-16 code units, as GitHub expects.
func SARIF(w io.Writer, r *Report) error {
	driver := sarifDriver{Name: "gracelint", Version: r.Version, InformationURI: "https://github.com/gracelint/gracelint", Rules: []sarifRule{}}
	index := map[string]int{}
	for i, rule := range r.Rules {
		index[rule.ID] = i
		page, _ := docs.Rule(rule.ID)
		full := docs.WhatItFinds(rule.ID)
		if full == "" {
			full = rule.Summary
		}
		tags := rule.Tags
		if tags == nil {
			tags = []string{}
		}
		driver.Rules = append(driver.Rules, sarifRule{
			ID: rule.ID, Name: rule.Name,
			ShortDescription:     sarifText{Text: rule.Summary},
			FullDescription:      sarifText{Text: full},
			HelpURI:              rule.DocsURL(),
			Help:                 sarifText{Text: page, Markdown: page},
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel[rule.Severity]},
			Properties:           sarifProperties{Tags: tags},
		})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}, ColumnKind: "utf16CodeUnits"}
	if r.Root != "" {
		root := &url.URL{Scheme: "file", Path: strings.TrimSuffix(filepath.ToSlash(r.Root), "/") + "/"}
		run.OriginalURIBaseIDs = map[string]sarifArtifactL{"%SRCROOT%": {URI: root.String()}}
	}
	inv := sarifInvocation{ExecutionSuccessful: len(r.Errors) == 0, ToolExecutionNotifications: []sarifNotification{}}
	for _, e := range r.Errors {
		n := sarifNotification{Level: "error", Message: sarifText{Text: e.Msg}}
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: r.artifact(e.File)}}
		if e.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: e.Line, StartColumn: max(e.Col, 1), EndLine: e.Line, EndColumn: max(e.Col, 1)}
		}
		n.Locations = []sarifLocation{loc}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	run.Invocations = []sarifInvocation{inv}
	// The results are streamed into the document one at a time, so that a
	// large report is not held twice; the rest is small.
	head, err := json.MarshalIndent(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}, "", "  ")
	if err != nil {
		return err
	}
	const slot = `"results": []`
	cut := bytes.Index(head, []byte(slot)) + len(slot) - 1
	bw := bufio.NewWriter(w)
	bw.Write(head[:cut])
	results := &arrayWriter{w: bw, indent: "        "}
	prints := r.fingerprints()
	for i, f := range r.Findings {
		res := sarifResult{
			RuleID: f.Rule.ID, RuleIndex: index[f.Rule.ID], Level: sarifLevel[f.Severity],
			Message:             sarifText{Text: f.Message},
			Locations:           []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: r.artifact(f.File), Region: r.region(f.File, f.Span)}}},
			PartialFingerprints: map[string]string{"gracelint/v1": prints[i]},
		}
		if f.Suggestion != "" {
			res.Message.Text += "\nSuggestion: " + f.Suggestion
		}
		for j, rel := range f.Related {
			id := j + 1
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{ID: &id,
				PhysicalLocation: sarifPhysical{ArtifactLocation: r.artifact(rel.File), Region: r.region(rel.File, rel.Span)},
				Message:          &sarifText{Text: rel.Message}})
		}
		if len(f.Path) > 0 {
			var flow sarifThreadFlow
			for _, h := range f.Path {
				loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: r.artifact(h.File), Region: r.region(h.File, h.Span)},
					Message: &sarifText{Text: h.Role}}
				flow.Locations = append(flow.Locations, sarifThreadFlowLocation{Location: loc})
				if h.File != f.File {
					id := len(res.RelatedLocations) + 1
					loc.ID = &id
					res.RelatedLocations = append(res.RelatedLocations, loc)
				}
			}
			res.CodeFlows = []sarifCodeFlow{{ThreadFlows: []sarifThreadFlow{flow}}}
		}
		if f.Fix != nil {
			change := sarifArtifactChange{ArtifactLocation: r.artifact(f.File)}
			for _, e := range f.Fix.Edits {
				change.Replacements = append(change.Replacements, sarifReplacement{DeletedRegion: *r.region(f.File, e.Span), InsertedContent: sarifText{Text: e.NewText}})
			}
			res.Fixes = []sarifFix{{Description: sarifText{Text: f.Fix.Description}, ArtifactChanges: []sarifArtifactChange{change}}}
		}
		if err := results.add(res); err != nil {
			return err
		}
	}
	results.close()
	bw.Write(head[cut:])
	bw.WriteByte('\n')
	return bw.Flush()
}

func (r *Report) artifact(file string) sarifArtifactL {
	uri, relative := r.uri(file)
	if relative && r.Root != "" {
		return sarifArtifactL{URI: uri, URIBaseID: "%SRCROOT%"}
	}
	return sarifArtifactL{URI: uri}
}

func (r *Report) region(file string, s source.Span) *sarifRegion {
	return &sarifRegion{
		StartLine: max(s.Start.Line, 1), StartColumn: r.utf16Col(file, s.Start),
		EndLine: max(s.End.Line, 1), EndColumn: r.utf16Col(file, s.End),
	}
}
