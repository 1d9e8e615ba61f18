package door

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/internal/errs"
	"github.com/cloudexport/cloudexport/internal/vocab"
)

// ptrAssets is a target reached through a pointer, as a caller's own
// target type might be.
type ptrAssets struct{ InstanceID string }

func (*ptrAssets) Kind() export.Kind { return export.KindAssets }

// idTable is a door whose assets row names its id fields and scope.
func idTable(ids []ID) *Door[*fake] {
	row := Kind[*fake]{Kind: export.KindAssets, Service: "roma", IDs: ids,
		Scope: []ID{{Name: "instance_id", Max: 8, Required: true}, {Name: "project_id"}},
		Create: func(f *fake, _ context.Context, req export.Request, _ vocab.Checked) (export.Job, error) {
			f.created++
			id := "j1"
			if a, ok := req.Target.(export.Assets); ok && len(a.TaskIDs) > 0 {
				id = a.TaskIDs[0] // the test's stand-in for what the vendor answered
			}
			return export.Job{Provider: "fake", Service: "roma", Kind: export.KindAssets, ID: id, Scope: map[string]string{"instance_id": "i"}}, nil
		},
		Poll: func(f *fake, _ context.Context, job export.Job) (export.Status, error) {
			f.polled++
			return export.Status{Job: job, State: export.StateSucceeded, Files: []export.File{{ID: job.Scope["file"],
				Name: job.Scope["name"], Path: job.Scope["path"], URL: job.Scope["url"]}}}, nil
		},
		Download: func(*fake, context.Context, export.Job, export.File) (io.ReadCloser, error) { return nil, nil },
	}
	return &Door[*fake]{Provider: "fake", Kinds: []Kind[*fake]{row}}
}

func TestTargetIDsAreCheckedAtTheDoor(t *testing.T) {
	d := idTable([]ID{{Name: "InstanceID", Max: 8}, {Name: "AppIDs", Max: 4, Count: 2}})
	f := &fake{}
	for _, c := range []struct {
		name   string
		target export.Target
		want   string // "" = accepted
	}{
		{"valid", export.Assets{InstanceID: "inst-1", AppIDs: []string{"a", "b"}}, ""},
		{"empty instance is left to the row", export.Assets{AppIDs: []string{"a"}}, ""},
		{"instance with a path step", export.Assets{InstanceID: ".."}, `Target.InstanceID: ".." is a path step`},
		{"instance too long", export.Assets{InstanceID: "instance-1"}, "Target.InstanceID: 10 bytes; want at most 8"},
		{"app id with a control character", export.Assets{AppIDs: []string{"a\x00"}}, "Target.AppIDs[0]: control character U+0000"},
		{"too many app ids", export.Assets{AppIDs: []string{"a", "b", "c"}}, "Target.AppIDs: 3 values; want at most 2"},
		{"duplicate app ids", export.Assets{AppIDs: []string{"a", "a"}}, `Target.AppIDs[1]: "a" is given twice`},
	} {
		_, err := d.Create(context.Background(), f, export.Request{Target: c.target})
		if c.want == "" && err != nil || c.want != "" && (!errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v; want %q", c.name, err, c.want)
		}
	}
	if f.created != 2 {
		t.Errorf("%d creates reached the row; want the 2 valid ones", f.created)
	}

	var nilPtr *ptrAssets
	if _, err := d.Create(context.Background(), f, export.Request{Target: nilPtr}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("a nil pointer target: %v; want InvalidArgument", err)
	}
	// The module's own targets have value methods, which a nil pointer
	// cannot call: the door must refuse it rather than panic asking its kind.
	for _, target := range []export.Target{(*export.Assets)(nil), (*export.Components)(nil)} {
		if _, err := d.Create(context.Background(), f, export.Request{Target: target}); !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "Target: a nil") {
			t.Errorf("a nil %T target: %v; want InvalidArgument naming Target", target, err)
		}
	}
	d = idTable([]ID{{Name: "InstanceID", Max: 8}})
	if _, err := d.Create(context.Background(), f, export.Request{Target: &ptrAssets{InstanceID: "a/b"}}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("a pointer target's bad id: %v; want InvalidArgument", err)
	}
	d = idTable([]ID{{Name: "NoSuchField"}})
	if _, err := d.Create(context.Background(), f, export.Request{Target: export.Assets{}}); !errors.Is(err, errs.ErrInternal) {
		t.Errorf("a row naming a missing field: %v; want Internal (the adapter's bug)", err)
	}
}

func TestScopeAndFileIDsAreCheckedAtTheDoor(t *testing.T) {
	d := idTable(nil)
	f := &fake{}
	job := func(scope map[string]string) export.Job {
		return export.Job{Provider: "fake", Service: "roma", Kind: export.KindAssets, ID: "j1", Scope: scope}
	}
	for _, c := range []struct {
		name  string
		scope map[string]string
		want  string
	}{
		{"valid", map[string]string{"instance_id": "i-1", "project_id": "p"}, ""},
		{"required entry missing", map[string]string{}, `Job.Scope["instance_id"]: missing`},
		{"required entry empty", map[string]string{"instance_id": ""}, `Job.Scope["instance_id"]: empty`},
		{"traversal", map[string]string{"instance_id": "../x"}, `Job.Scope["instance_id"]: '/' at byte 2`},
		{"optional entry given empty", map[string]string{"instance_id": "i", "project_id": ""}, `Job.Scope["project_id"]: empty`},
		{"too long", map[string]string{"instance_id": "123456789"}, "9 bytes; want at most 8"},
	} {
		_, err := d.Poll(context.Background(), f, job(c.scope))
		if c.want == "" && err != nil || c.want != "" && (!errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v; want %q", c.name, err, c.want)
		}
	}
	if f.polled != 1 {
		t.Errorf("%d polls reached the row; want 1", f.polled)
	}
	ok := job(map[string]string{"instance_id": "i"})
	if _, err := d.Download(context.Background(), f, ok, export.File{ID: "../../x"}); !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "File.ID") {
		t.Errorf("File.ID traversal: %v; want InvalidArgument naming File.ID", err)
	}
	if _, err := d.Download(context.Background(), f, ok, export.File{ID: "arc-1"}); err != nil {
		t.Errorf("a valid File.ID: %v", err)
	}
}

// What a vendor answer names, the door checks like what a caller hands
// back: a job id or file id that could not be sent again is Internal.
func TestVendorIDsAreChecked(t *testing.T) {
	d := idTable(nil)
	f := &fake{}
	_, err := d.Create(context.Background(), f, export.Request{Target: export.Assets{TaskIDs: []string{strings.Repeat("x", 200)}}})
	if !errors.Is(err, errs.ErrInternal) || !strings.Contains(err.Error(), "Job.ID: 200 bytes") {
		t.Errorf("a 200-byte job id from the vendor: %v; want Internal naming Job.ID", err)
	}
	job := export.Job{Provider: "fake", Service: "roma", Kind: export.KindAssets, ID: "j1", Scope: map[string]string{"instance_id": "i", "file": "../x"}}
	if _, err := d.Poll(context.Background(), f, job); !errors.Is(err, errs.ErrInternal) || !strings.Contains(err.Error(), "Files[0].ID") {
		t.Errorf("a file id with a path step from the vendor: %v; want Internal naming Files[0].ID", err)
	}
}

// A file's name, path and link from a vendor answer reach a terminal and
// name files on disk: each is bounded text, and a name is one path step.
func TestVendorFileNamesAreChecked(t *testing.T) {
	d := idTable(nil)
	f := &fake{}
	for _, c := range []struct {
		name string
		file map[string]string
		want string // "" = accepted
	}{
		{"plain name", map[string]string{"name": "components.xlsx"}, ""},
		{"unicode name", map[string]string{"name": "组件 2026.xlsx"}, ""},
		{"name with a directory", map[string]string{"name": "../../.bashrc"}, "Files[0].Name"},
		{"name with a backslash", map[string]string{"name": `..\x.xlsx`}, "Files[0].Name"},
		{"dot-dot name", map[string]string{"name": ".."}, "Files[0].Name"},
		{"terminal escape in name", map[string]string{"name": "a\x1b]0;x\x07.xlsx"}, "Files[0].Name"},
		{"bidi override in name", map[string]string{"name": "cod\u202etxt.exe"}, "Files[0].Name"},
		{"long name", map[string]string{"name": strings.Repeat("n", 256)}, "Files[0].Name"},
		{"object path", map[string]string{"path": "images/img-1/disk0.qcow2"}, ""},
		{"control byte in path", map[string]string{"path": "images/\nx"}, "Files[0].Path"},
		{"link", map[string]string{"url": "https://b.cos.ap-guangzhou.myqcloud.com/x.xlsx?sign=abc"}, ""},
		{"newline in link", map[string]string{"url": "https://x/\r\nSet-Cookie: a"}, "Files[0].URL"},
		{"huge link", map[string]string{"url": "https://x/" + strings.Repeat("a", 9000)}, "Files[0].URL"},
	} {
		scope := map[string]string{"instance_id": "i", "file": "f-1"}
		for k, v := range c.file {
			scope[k] = v
		}
		job := export.Job{Provider: "fake", Service: "roma", Kind: export.KindAssets, ID: "j1", Scope: scope}
		_, err := d.Poll(context.Background(), f, job)
		if c.want == "" && err != nil || c.want != "" && (!errors.Is(err, errs.ErrInternal) || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v; want %q", c.name, err, c.want)
		}
	}
}
