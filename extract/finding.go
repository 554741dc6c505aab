package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Kind names what a Finding is. The kinds and their JSON fields are the
// findings contract that other tools read: they may be added to, never
// changed.
type Kind string

// The finding kinds.
const (
	// KindDocument describes the document itself: one per document.
	KindDocument Kind = "document"
	// KindRating is one CQC rating of one subject in one domain.
	KindRating Kind = "rating"
	// KindMustDo is an action the provider must take (a breach of a
	// regulation, a requirement or warning notice requirement).
	KindMustDo Kind = "must-do"
	// KindShouldDo is an action the provider should take.
	KindShouldDo Kind = "should-do"
	// KindQuote is a quoted finding or statement and who said it.
	KindQuote Kind = "quote"
	// KindUndertaking is a commitment a provider gives ("The trust will ...").
	KindUndertaking Kind = "undertaking"
	// KindScore is a single assessment framework score: one quality
	// statement of one key question (or local authority theme) scored 1 to
	// 4.
	KindScore Kind = "score"
	// KindEntity is a person or organisation the document names, once per
	// document, where it is first named.
	KindEntity Kind = "entity"
)

// Kinds lists every kind in the order the contract documents them.
var Kinds = []Kind{KindDocument, KindRating, KindMustDo, KindShouldDo, KindQuote, KindUndertaking, KindScore, KindEntity}

// Rating values, as the contract spells them.
const (
	RatingOutstanding = "outstanding"
	RatingGood        = "good"
	RatingRequiresImp = "requires improvement"
	RatingInadequate  = "inadequate"
)

// Domains are CQC's five key questions plus the overall rating.
var Domains = []string{"safe", "effective", "caring", "responsive", "well-led", "overall"}

// Directions of change since the last rating, as a ratings grid's arrows
// show them.
const (
	DirectionUpTwo   = "up two"
	DirectionUp      = "up"
	DirectionSame    = "same"
	DirectionDown    = "down"
	DirectionDownTwo = "down two"
)

// Speakers of quotes.
const (
	SpeakerCQC     = "CQC"
	SpeakerTrust   = "trust"
	SpeakerPatient = "patient"
	SpeakerOther   = "other"
)

// Finding is one piece of evidence in a document. Which fields are set
// depends on Kind; MarshalJSON writes exactly the contract's fields for
// each kind, with null for an unknown value.
type Finding struct {
	Doc   string `json:"doc"`
	DocID string `json:"doc_id"`
	Kind  Kind   `json:"kind"`
	Text  string `json:"text"`
	// Page is 1-based; 0 when the format has no pages (JSON null).
	Page int `json:"page"`
	// Start and End are byte offsets of Text's evidence in the page's
	// text (the whole text for formats without pages). End == 0 when the
	// finding has no single place (a document finding).
	Start int `json:"start"`
	End   int `json:"end"`

	// document
	Title         string `json:"title,omitempty"`
	DocType       string `json:"doc_type,omitempty"`
	Published     string `json:"published,omitempty"` // YYYY-MM-DD, YYYY-MM or YYYY
	InspectedFrom string `json:"inspected_from,omitempty"`
	InspectedTo   string `json:"inspected_to,omitempty"`
	Pages         int    `json:"pages,omitempty"`
	ODSCode       string `json:"ods_code,omitempty"`
	// Regulator is who wrote or is reported in the document as having
	// inspected: "CQC", "Ofsted", ... ; empty when unknown.
	Regulator string `json:"regulator,omitempty"`
	// OCRPages counts the pages whose text was recognised from a scan;
	// OCRConfidence is their mean word confidence (0–100, one decimal)
	// and OCRLowPages lists those below OCRConfidenceFloor.
	OCRPages      int     `json:"ocr_pages,omitempty"`
	OCRConfidence float64 `json:"ocr_confidence,omitempty"`
	OCRLowPages   []int   `json:"ocr_low_pages,omitempty"`

	// every kind: the provider the document is about, when known.
	Provider string `json:"provider,omitempty"`

	// rating, must-do, should-do, undertaking
	Subject  string `json:"subject,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Rating   string `json:"rating,omitempty"`
	Previous string `json:"previous,omitempty"`
	// Direction is the change since the last rating that a grid's arrow
	// shows (DirectionUp, ...); Date the month or day a grid cell gives
	// for the rating (YYYY-MM-DD or YYYY-MM).
	Direction string `json:"direction,omitempty"`
	Date      string `json:"date,omitempty"`

	// score: the quality statement (canonical name) and its score 1-4, 0
	// when only a word is given (JSON null); Domain holds the key question,
	// empty for local authority themes.
	QualityStatement string `json:"quality_statement,omitempty"`
	Score            int    `json:"score,omitempty"`

	// must-do, should-do
	Regulation string `json:"regulation,omitempty"`

	// quote
	Speaker     string `json:"speaker,omitempty"`
	SpeakerName string `json:"speaker_name,omitempty"`

	// entity: "person" or "organisation"
	EntityType string `json:"entity_type,omitempty"`

	// Themes from the theme taxonomy, any kind.
	Themes []string `json:"themes,omitempty"`

	// Why explains the finding: the rule that made it and the mentions
	// it used. Set only when the tagger is asked to explain.
	Why string `json:"why,omitempty"`
}

// MarshalJSON writes the contract: the common fields, then the fields of
// the finding's kind in a fixed order, with null for unknown values.
func (f Finding) MarshalJSON() ([]byte, error) {
	var w objWriter
	w.str("doc", f.Doc)
	w.str("doc_id", f.DocID)
	w.str("kind", string(f.Kind))
	w.str("text", f.Text)
	if f.Page > 0 {
		w.num("page", f.Page)
	} else {
		w.null("page")
	}
	if f.End > 0 {
		w.num("start", f.Start)
		w.num("end", f.End)
	}
	switch f.Kind {
	case KindDocument:
		w.opt("title", f.Title)
		w.opt("provider", f.Provider)
		w.opt("doc_type", f.DocType)
		w.opt("published", f.Published)
		w.opt("inspected_from", f.InspectedFrom)
		w.opt("inspected_to", f.InspectedTo)
		if f.Pages > 0 {
			w.num("pages", f.Pages)
		} else {
			w.null("pages")
		}
		if f.ODSCode != "" {
			w.str("ods_code", f.ODSCode)
		}
		if f.Regulator != "" {
			w.str("regulator", f.Regulator)
		}
		if f.OCRPages > 0 {
			w.num("ocr_pages", f.OCRPages)
			w.val("ocr_confidence", f.OCRConfidence)
			if len(f.OCRLowPages) > 0 {
				w.val("ocr_low_pages", f.OCRLowPages)
			}
		}
	case KindRating:
		w.str("subject", f.Subject)
		w.str("domain", f.Domain)
		w.str("rating", f.Rating)
		w.opt("previous", f.Previous)
		if f.Direction != "" {
			w.str("direction", f.Direction)
		}
		if f.Date != "" {
			w.str("date", f.Date)
		}
	case KindMustDo, KindShouldDo:
		w.opt("regulation", f.Regulation)
		w.opt("subject", f.Subject)
	case KindQuote:
		w.str("speaker", f.Speaker)
		w.opt("speaker_name", f.SpeakerName)
	case KindUndertaking:
		w.opt("subject", f.Subject)
	case KindScore:
		w.opt("subject", f.Subject)
		w.opt("domain", f.Domain)
		w.str("quality_statement", f.QualityStatement)
		if f.Score > 0 {
			w.num("score", f.Score)
		} else {
			w.null("score")
		}
	case KindEntity:
		w.str("entity_type", f.EntityType)
	default:
		// Kinds added later carry their fields as plain omitempty values.
		for _, kv := range [][2]string{
			{"subject", f.Subject}, {"domain", f.Domain}, {"rating", f.Rating},
			{"regulation", f.Regulation}, {"speaker", f.Speaker},
		} {
			if kv[1] != "" {
				w.str(kv[0], kv[1])
			}
		}
	}
	if f.Provider != "" && f.Kind != KindDocument {
		w.str("provider", f.Provider)
	}
	if len(f.Themes) > 0 {
		w.val("themes", f.Themes)
	}
	if f.Why != "" {
		w.str("why", f.Why)
	}
	return w.finish()
}

// objWriter writes one JSON object with keys in call order.
type objWriter struct {
	buf bytes.Buffer
	err error
}

func (w *objWriter) key(k string) {
	if w.buf.Len() == 0 {
		w.buf.WriteByte('{')
	} else {
		w.buf.WriteByte(',')
	}
	fmt.Fprintf(&w.buf, "%q:", k)
}

func (w *objWriter) val(k string, v any) {
	w.key(k)
	b, err := json.Marshal(v)
	if err != nil && w.err == nil {
		w.err = fmt.Errorf("finding field %s: %w", k, err)
	}
	w.buf.Write(b)
}

func (w *objWriter) str(k, v string) { w.val(k, v) }
func (w *objWriter) num(k string, v int) {
	w.key(k)
	fmt.Fprintf(&w.buf, "%d", v)
}
func (w *objWriter) null(k string) {
	w.key(k)
	w.buf.WriteString("null")
}

// opt writes v, or null when v is empty.
func (w *objWriter) opt(k, v string) {
	if v == "" {
		w.null(k)
		return
	}
	w.str(k, v)
}

func (w *objWriter) finish() ([]byte, error) {
	if w.buf.Len() == 0 {
		w.buf.WriteByte('{')
	}
	w.buf.WriteByte('}')
	return w.buf.Bytes(), w.err
}
