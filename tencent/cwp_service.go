package tencent

// serviceCWP names Cloud Workload Protection in jobs and errors, and will be
// the Options.Endpoints key "cwp" (host cwp.tencentcloudapi.com, version
// 2018-02-28).
//
// MERGE NOTE: the front-door branch declares serviceCWP (with its host and
// version) in client.go's services table. When both are merged, delete this
// file; nothing else changes.
const serviceCWP = "cwp"
