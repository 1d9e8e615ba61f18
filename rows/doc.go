// Package rows reads the rows of downloaded result files with constant
// memory.
package rows
