package rows_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/cloudexport/cloudexport/export"
	"github.com/cloudexport/cloudexport/rows"
)

// Read a result file row by row, with the columns the request chose (and
// their custom headers) reported by their neutral keys.
func Example() {
	file := strings.NewReader("Component,Vulns,Path\nopenssl,3,/usr/lib\nzlib,0,/lib\n")
	cols := []export.Column{{Key: "name", Header: "Component"}, {Key: "vul_count", Header: "Vulns"}}

	r, err := rows.NewReader(file, &rows.Options{Columns: cols})
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	for r.Next() {
		if r.HeaderChanged() {
			fmt.Println(r.Header())
		}
		fmt.Println(r.Row())
	}
	if err := r.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// [name vul_count Path]
	// [openssl 3 /usr/lib]
	// [zlib 0 /lib]
}

// All is the range-over-func form of Next, Row and Err.
func ExampleReader_All() {
	r, err := rows.NewReader(strings.NewReader(`{"total":2,"items":[{"id":"a1","name":"orders"},{"id":"t7","name":"sync"}]}`), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	for row, err := range r.All() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(row)
	}
	// Output:
	// [a1 orders]
	// [t7 sync]
}

// A file over a limit is refused with an error that says which limit, and
// how to raise it.
func ExampleLimitError() {
	_, _, err := rows.ReadAll(strings.NewReader("a,b\n1,2\n3,4\n"), &rows.Options{Limits: rows.Limits{MaxRows: 1}})
	fmt.Println(err)
	// Output:
	// resource exhausted: result file: file exceeds rows.Limits.MaxRows (1 rows); raise Options.Limits.MaxRows to read it
}

// Record keys the current row by the header.
func ExampleReader_Record() {
	r, err := rows.NewReader(strings.NewReader("{\"id\":\"c1\",\"status\":\"Running\"}\n{\"id\":\"c2\",\"status\":\"Exited\"}\n"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	for r.Next() {
		rec := r.Record()
		fmt.Println(rec["id"], rec["status"])
	}
	// Output:
	// c1 Running
	// c2 Exited
}
