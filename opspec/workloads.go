package opspec

// The op names, one constant each; a workload's code uses these.
const (
	// users: getOrCreateUser.
	FGetOrCreateUser = "get_or_create_user"
	FGetUser         = "get_user"
	FListUsers       = "list_users" // final read

	// magic-codes: issue, then verifyMagicCode (auth issues codes too).
	FIssueCode  = "issue_code"
	FVerifyCode = "verify_code"
	FReadCode   = "read_code" // final read

	// auth: login, hook reads, logout, token refresh.
	FCreateSession = "create_session"
	FReadSession   = "read_session"
	FDeleteSession = "delete_session"
	FRefreshToken  = "refresh_token"
	FReadToken     = "read_token" // final read

	// catalog: admin writes, public product reads.
	FSaveProduct = "save_product"
	FGetProduct  = "get_product"
	FAddVariant  = "add_variant"
	FGetVariants = "get_variants"
	FGetVariant  = "get_variant"

	// cdn: upload, then list and get.
	FUploadFile   = "upload_file"
	FListFiles    = "list_files"
	FListAllFiles = "list_all_files"
	FGetFile      = "get_file"
	FListFolders  = "list_folders"

	// domain-search: a job's status progression, tenant configs.
	FAdvanceJob = "advance_job"
	FGetJob     = "get_job"
	FListJobs   = "list_jobs"
	FGetResults = "get_results"
	FSetConfig  = "set_config"
	FGetConfig  = "get_config"

	// Generic: a register and a grow-only set.
	FWrite      = "write"
	FRead       = "read"
	FAddElement = "add_element"
	FReadSet    = "read_set"
	FAddRead    = "add_read"
)

var issueCode = Op{FIssueCode, Issue, "code"}

// Users is getOrCreateUser: one user per email.
var Users = Workload{Name: "users", Title: "getOrCreateUser (users)", Ops: []Op{
	{FGetOrCreateUser, GetOrCreate, "email"},
	{FGetUser, Get, "email"},
	{FListUsers, List, "email"},
}}

// MagicCodes is issue + verifyMagicCode: a code accepted at most once.
var MagicCodes = Workload{Name: "magic-codes", Title: "verifyMagicCode (magic-codes)", Ops: []Op{
	issueCode,
	{FVerifyCode, Verify, "code"},
	{FReadCode, ReadCode, "code"},
}}

// Auth is login, hook reads and token refresh. Its session rows are
// registers of who is logged in (null after logout); a session's refresh
// token is a compare-and-set register under the same key.
var Auth = Workload{Name: "auth", Title: "Phase 1 · Authentication hooks (auth)", Ops: []Op{
	issueCode,
	{FCreateSession, Login, "session"},
	{FReadSession, ReadSession, "session"},
	{FDeleteSession, Logout, "session"},
	{FRefreshToken, Refresh, "session"},
	{FReadToken, ReadToken, "session"},
}}

// Catalog is a shop's products with their variants: one versioned entity
// under the product's slug, so a variant read and a product read are
// ordered by one version.
var Catalog = Workload{Name: "catalog", Title: "Phase 2 · Shop product reads (catalog)", Ops: []Op{
	{FSaveProduct, Advance, "product"},
	{FGetProduct, Observe, "product"},
	{FAddVariant, Advance, "product's variants"},
	{FGetVariants, Observe, "product's variants"},
	{FGetVariant, Observe, "product's variants"},
}}

// CDN is a folder's files. list_all_files and list_folders read many
// folders; they record what they showed of the one the user looked for
// (the op's key).
var CDN = Workload{Name: "cdn", Title: "Phase 3 · CDN file operations (cdn)", Ops: []Op{
	{FUploadFile, Advance, "folder"},
	{FListFiles, Observe, "folder"},
	{FListAllFiles, Observe, "folder"},
	{FGetFile, Observe, "folder"},
	{FListFolders, Observe, "folder"},
}}

// DomainSearch is a search job's status progression and a tenant's
// active config. list_jobs reads many jobs and records the one looked for.
var DomainSearch = Workload{Name: "domain-search", Title: "Phase 4 · Domain search reads (domain-search)", Ops: []Op{
	{FAdvanceJob, Advance, "job"},
	{FGetJob, Observe, "job"},
	{FGetResults, Observe, "job"},
	{FListJobs, Observe, "job"},
	{FSetConfig, Advance, "config"},
	{FGetConfig, Observe, "config"},
}}
