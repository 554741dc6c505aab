package gen

import "time"

// The fictional trust that every demo document is about. None of these
// names, codes or addresses belongs to a real organisation.
const (
	trustName    = "Harrowfield and Wyre NHS Foundation Trust"
	trustODS     = "RZ9"
	trustWebsite = "www.harrowfieldwyre.nhs.uk"
	trustPhone   = "01632 960 400"
	chiefExec    = "Dr Amira Osei"
	visitDates   = "12 March 2024 to 25 April 2024"
	publishDate  = "19 July 2024"
	publishShort = "19/07/2024"
	noticeDate   = "3 May 2024"
	noticeRef    = "WN-RZ9-2024-0417"
	noticeDue    = "31 July 2024"
)

var trustAddress = []string{
	"Trust Headquarters, Harrowfield General Hospital",
	"Clayburn Road",
	"Harrowfield",
	"HW4 2LP",
}

// Fixed document dates keep the generated files byte-for-byte stable.
var (
	reportTime = time.Date(2024, time.July, 19, 9, 0, 0, 0, time.UTC)
	noticeTime = time.Date(2024, time.May, 3, 14, 30, 0, 0, time.UTC)
	boardTime  = time.Date(2024, time.September, 5, 8, 0, 0, 0, time.UTC)
)

// Rating is a CQC rating.
type Rating int

// The ratings, worst first.
const (
	NotRated Rating = iota
	Inadequate
	RequiresImprovement
	Good
	Outstanding
)

func (r Rating) String() string {
	switch r {
	case Inadequate:
		return "Inadequate"
	case RequiresImprovement:
		return "Requires improvement"
	case Good:
		return "Good"
	case Outstanding:
		return "Outstanding"
	}
	return "Not rated"
}

// Change is how a rating moved since the previous inspection.
type Change int

// The changes shown as arrows in the ratings grids.
const (
	Same Change = iota
	UpOne
	UpTwo
	DownOne
	DownTwo
)

func (c Change) String() string {
	switch c {
	case UpOne:
		return "up one rating"
	case UpTwo:
		return "up two ratings"
	case DownOne:
		return "down one rating"
	case DownTwo:
		return "down two ratings"
	}
	return "same rating"
}

// Mark is one cell of a ratings grid.
type Mark struct {
	Rating Rating
	Change Change
	Date   string
}

// keyQuestions are the grid columns, in CQC order; Overall is last.
var keyQuestions = []string{"Safe", "Effective", "Caring", "Responsive", "Well-led", "Overall"}

// ServiceRatings is one row of a ratings grid.
type ServiceRatings struct {
	Service string
	Marks   [6]Mark // Safe, Effective, Caring, Responsive, Well-led, Overall
}

const (
	cur  = "Jul 2024"
	prev = "Nov 2021"
)

func m(r Rating, c Change) Mark { return Mark{r, c, cur} }
func old(r Rating) Mark         { return Mark{r, Same, prev} }

// trustRatings is the whole-trust row.
var trustRatings = ServiceRatings{"Overall trust", [6]Mark{
	m(RequiresImprovement, Same), m(RequiresImprovement, DownOne), m(Good, Same),
	m(RequiresImprovement, Same), m(RequiresImprovement, DownOne), m(RequiresImprovement, DownOne),
}}

// acuteRatings are the core services at Harrowfield General Hospital.
var acuteRatings = []ServiceRatings{
	{"Urgent and emergency care", [6]Mark{
		m(RequiresImprovement, DownOne), m(Good, Same), m(Good, Same),
		m(Inadequate, DownOne), m(RequiresImprovement, DownOne), m(RequiresImprovement, DownOne)}},
	{"Medical care (including older people's care)", [6]Mark{
		m(RequiresImprovement, Same), m(RequiresImprovement, DownOne), m(Good, Same),
		m(RequiresImprovement, Same), m(RequiresImprovement, Same), m(RequiresImprovement, Same)}},
	{"Surgery", [6]Mark{
		m(Good, UpOne), m(Good, Same), m(Good, Same),
		m(RequiresImprovement, Same), m(Good, UpOne), m(Good, UpOne)}},
	{"Maternity", [6]Mark{
		m(Inadequate, DownTwo), m(RequiresImprovement, DownOne), m(Good, Same),
		m(Good, Same), m(Inadequate, DownTwo), m(Inadequate, DownTwo)}},
	{"Services for children and young people", [6]Mark{
		m(Good, Same), m(Good, Same), m(Outstanding, Same),
		m(Good, Same), m(Good, Same), m(Good, Same)}},
}

// communityRatings are the core services at Thornmere Community Hospital;
// not inspected this time, so they carry the previous ratings.
var communityRatings = []ServiceRatings{
	{"Community health inpatient services", [6]Mark{
		old(Good), old(Good), old(Good), old(Good), old(Good), old(Good)}},
}

// mentalHealthRatings are the mental health core services.
var mentalHealthRatings = []ServiceRatings{
	{"Acute wards for adults of working age and psychiatric intensive care units", [6]Mark{
		m(Inadequate, DownOne), m(RequiresImprovement, Same), m(Good, Same),
		m(RequiresImprovement, Same), m(RequiresImprovement, DownOne), m(RequiresImprovement, DownOne)}},
	{"Mental health crisis services and health-based places of safety", [6]Mark{
		m(Good, Same), m(Good, Same), m(Good, Same),
		m(RequiresImprovement, DownOne), m(Good, Same), m(Good, Same)}},
}

// hospitalRatings is the location rating for Harrowfield General Hospital.
var hospitalRatings = ServiceRatings{"Harrowfield General Hospital", [6]Mark{
	m(RequiresImprovement, Same), m(RequiresImprovement, DownOne), m(Good, Same),
	m(RequiresImprovement, Same), m(RequiresImprovement, DownOne), m(RequiresImprovement, DownOne),
}}

// grids names the ratings tables a document can draw with ::ratings-grid.
var grids = map[string]struct {
	title string
	rows  []ServiceRatings
}{
	"trust":         {"Ratings for the whole trust", append([]ServiceRatings{trustRatings}, allServices()...)},
	"hospital":      {"Ratings for Harrowfield General Hospital", append(append([]ServiceRatings{}, acuteRatings...), ServiceRatings{"Overall*", hospitalRatings.Marks})},
	"community":     {"Ratings for Thornmere Community Hospital", communityRatings},
	"mental-health": {"Ratings for mental health services", mentalHealthRatings},
}

func allServices() []ServiceRatings {
	var all []ServiceRatings
	all = append(all, acuteRatings...)
	all = append(all, communityRatings...)
	return append(all, mentalHealthRatings...)
}
