// Package vocabtest keeps an adapter's package doc true to its vocabulary
// tables (package vocab): a test of the adapter loads its doc.go and checks
// each kind's section against the kind's Spec, and each value mapping the
// doc spells out against the table it copies. A failure names the file
// line, the section, the table and the row, and says what differs.
//
// It reads a small grammar, which the adapters' docs follow.
//
// A kind's section is the # section that says "export.<Target> maps to"
// (export.Components{ImageID} maps to …, export.MachineImages maps to …).
// It has a filter table when the kind takes filters, a column table when
// it takes columns, and states Limit's range as 1..N when it has paging.
//
// A filter table is a preformatted block whose header row begins with
// "filter". Cells are separated by two or more spaces: the neutral field,
// the vendor field ("-" for a field the adapter refuses, which the third
// cell then explains) and the values. A line that begins with a space
// continues the previous row's values. The values cell is a value
// description, then notes, separated by ";":
//
//	filter     Vendor.Name    values
//	level      Level          critical -> CRITICAL, high -> HIGH; one value
//	name       Name           text, 1–256 characters; Eq or Like
//	cpu        cpu            text like 100m matching ^[0-9]+m$, 1–64 characters
//	flag       flag           true, false
//	created    create_time    export.Between; sent as epoch milliseconds
//	cve_id     -              refused: the vendor has no CVE filter
//
// An enumerated field lists its values in table order, each "neutral ->
// vendor", or just "neutral" when the vendor spells it the same; a bool
// field lists true and false the same way; a text field says "text", then
// optionally "like EXAMPLE", "matching PATTERN" and ", MIN–MAX characters"
// (all three as in the table); a range field says "export.Between". The
// note "one value" (or "at most N values") is there exactly when the
// field takes one (or at most N) values, and "Eq or Like" exactly when it
// allows Like. Other notes are free text.
//
// A column table is a preformatted block whose header row begins with
// "column": neutral key, vendor key, default header, one row per column in
// the default order.
//
// A value mapping in prose is a list of "a -> b" pairs separated by ", "
// after a lead phrase, as in "ExportStatus (any case) RUNNING -> running,
// SUCCESS -> succeeded"; a value may be quoted or in braces, and a pair may
// be followed by a parenthetical remark.
package vocabtest
