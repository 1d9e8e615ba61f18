package export_test

import (
	"fmt"
	"strings"

	"github.com/cloudexport/cloudexport/export"
)

// A job's token can be stored and handed to another process, which turns it
// back into the job to poll or download it.
func ExampleParseToken() {
	job := export.Job{Provider: "tencent", Service: "tcss", Kind: export.KindComponents, ID: "937fec8c-4430-4973", Region: "ap-guangzhou"}
	tok, err := job.Token()
	if err != nil {
		panic(err)
	}
	back, err := export.ParseToken(tok)
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(tok, "ce1."), back.Provider, back.Kind, back.ID)
	// Output: true tencent components 937fec8c-4430-4973
}

// A request names what to export and how to shape it, in neutral terms.
func ExampleRequest() {
	req := export.Request{
		Target:  export.Components{ImageID: "sha256:9b1f"},
		Filters: []export.Filter{export.Eq("vul_level", "critical", "high"), export.Like("name", "ssl")},
		Columns: export.Cols("name", "version", "vul_count"),
		Sort:    &export.Sort{Field: "vul_count", Desc: true},
		Limit:   500,
	}
	fmt.Println(req.Target.Kind(), len(req.Filters), req.Columns[2].Key)
	// Output: components 2 vul_count
}
