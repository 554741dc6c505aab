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
	report2021 = time.Date(2021, time.November, 19, 9, 0, 0, 0, time.UTC)
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
	cur    = "Jul 2024"
	prev   = "Nov 2021"
	oldest = "Mar 2019"
)

func m(r Rating, c Change) Mark { return Mark{r, c, cur} }
func old(r Rating) Mark         { return Mark{r, Same, prev} }

// r19 is a rating last published after the 2019 inspection.
func r19(r Rating, c Change) Mark { return Mark{r, c, oldest} }

// before undoes a mark's change: the rating it was changed from.
func (mk Mark) before() Rating {
	switch mk.Change {
	case UpOne:
		return mk.Rating - 1
	case UpTwo:
		return mk.Rating - 2
	case DownOne:
		return mk.Rating + 1
	case DownTwo:
		return mk.Rating + 2
	}
	return mk.Rating
}

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

// hospitalCarried are the core services at Harrowfield General Hospital
// that neither the 2021 nor the 2024 inspection looked at: the location
// report shows them with the ratings and dates of the 2019 inspection.
// Outpatients are not rated for effective.
var hospitalCarried = []ServiceRatings{
	{"End of life care", [6]Mark{
		r19(Good, Same), r19(Good, UpOne), r19(Outstanding, UpOne),
		r19(Good, Same), r19(Good, UpOne), r19(Good, UpOne)}},
	{"Outpatients", [6]Mark{
		r19(Good, Same), {NotRated, Same, oldest}, r19(Good, Same),
		r19(RequiresImprovement, DownOne), r19(Good, Same), r19(Good, Same)}},
}

// trustChanges2021 are the arrows of the 2021 whole-trust ratings, the
// change from the 2019 inspection (rated requires improvement overall).
var trustChanges2021 = [6]Change{Same, UpOne, Same, Same, UpOne, UpOne}

// trustRatings2021 is the whole-trust row of the 2021 inspection: the
// ratings the 2024 grid changed from, with their own arrows.
func trustRatings2021() ServiceRatings {
	var s ServiceRatings
	for i, mk := range trustRatings.Marks {
		s.Marks[i] = Mark{mk.before(), trustChanges2021[i], prev}
	}
	return s
}

// grids names the ratings tables a document can draw with ::ratings-grid.
var grids = map[string]struct {
	title string
	rows  []ServiceRatings
}{
	"trust":         {"Ratings for the whole trust", append([]ServiceRatings{trustRatings}, allServices()...)},
	"hospital":      {"Ratings for Harrowfield General Hospital", append(append([]ServiceRatings{}, acuteRatings...), ServiceRatings{"Overall*", hospitalRatings.Marks})},
	"community":     {"Ratings for Thornmere Community Hospital", communityRatings},
	"mental-health": {"Ratings for mental health services", mentalHealthRatings},
	// the 2021 report's whole-trust grid: one row, no label
	"trust-2021": {"Ratings for the whole trust", []ServiceRatings{trustRatings2021()}},
	// the location report's grid: every core service, then the location
	"location": {"Ratings for Harrowfield General Hospital", append(append(append([]ServiceRatings{}, acuteRatings...), hospitalCarried...),
		ServiceRatings{"Overall*", hospitalRatings.Marks})},
}

func allServices() []ServiceRatings {
	var all []ServiceRatings
	all = append(all, acuteRatings...)
	all = append(all, communityRatings...)
	return append(all, mentalHealthRatings...)
}
