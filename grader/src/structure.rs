//! Structure and reasoning cues: STAR parts, issue-tree enumerations, hypotheses, conclusions,
//! trade-offs, assumptions and sanity checks.
//!
//! Cues are phrase patterns rather than single words because single words are ambiguous ("result"
//! appears in answers with no outcome at all). Each family records how often it fired, how many
//! distinct phrasings fired, and where the first hit is, so feedback can quote it.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

/// Hits of one cue family.
#[derive(Debug, Clone, Default)]
pub(crate) struct Hits {
    pub count: usize,
    pub distinct: usize,
    /// Byte offsets of every hit, in order.
    pub at: Vec<usize>,
    /// The first few distinct phrases matched (as written), in order of appearance.
    pub samples: Vec<String>,
}

impl Hits {
    pub fn any(&self) -> bool {
        self.count > 0
    }

    pub fn first(&self) -> Option<usize> {
        self.at.first().copied()
    }
}

fn find(re: &Regex, text: &str) -> Hits {
    let mut distinct = HashSet::new();
    let mut at = Vec::new();
    let mut samples = Vec::new();
    for m in re.find_iter(text) {
        let phrase = crate::text::collapse_ws(m.as_str());
        if distinct.insert(phrase.to_lowercase()) && samples.len() < 5 {
            samples.push(phrase);
        }
        at.push(m.start());
    }
    Hits {
        count: at.len(),
        distinct: distinct.len(),
        at,
        samples,
    }
}

macro_rules! cue {
    ($name:ident, $re:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| crate::text::cue_regex($re));
    };
}

// STAR
cue!(
    SITUATION,
    r"(?i)\b(?:at my (?:last|previous|current|old|first) (?:job|company|role|team|employer|startup)|in my (?:last|previous|current|first|old) (?:job|role|year|team|company|position)|when I was (?:working|at|a|an|on|leading|the|in)|I was (?:working|a|an|the|leading|on) |back (?:in|when)|a (?:few|couple of) (?:years|months|weeks) ago|last (?:year|quarter|month|summer)|our team (?:was|had)|there was (?:a|one) (?:time|project|release)|this was (?:at|when|in|during)|the (?:situation|context|background) was|(?:about|around) (?:two|three|\d+) weeks before|in (?:19|20)\d\d|on my (?:previous|last|old) team|at (?:my|our) (?:last|previous|current)? ?(?:company|startup|job|employer))"
);
cue!(
    TASK,
    r"(?i)\b(?:my (?:task|job|goal|role|responsibility|remit|aim) (?:was|is)|I was (?:responsible|asked|tasked|accountable|in charge|the owner)|I (?:needed|had) to|the (?:goal|objective|task|challenge|problem|stakes?) (?:was|were)|I owned|I was on the hook|we needed to|we had to|had to (?:decide|deliver|get|find|figure)|it had to be|if we missed)"
);
cue!(
    ACTION,
    r"(?i)\b(?:I|so I|then I|first I)\s+(?:then |first |also |just |actually |personally |immediately |quickly )?(?:set up|built|wrote|proposed|organi[sz]ed|booked|met|asked|suggested|created|decided|started|ran|led|analy[sz]ed|went|called|talked|spoke|sent|put|pulled|reran|rewrote|changed|introduced|scheduled|negotiated|designed|implemented|shipped|reached out|sat down|walked|framed|did|made|worked|cut|told|gave|brought|used|added|moved|stopped|tried|focused|escalated|raised|checked|reviewed|noticed|fixed|rolled|mentored|presented|built|drafted|prototyped|compared|measured|tested|interviewed|got|took|stepped|wrote|sized|split|listed|offered|agreed|convinced|persuaded|found)\b"
);
cue!(
    RESULT,
    r"(?i)\b(?:as a result|in the end|the (?:result|outcome) was|ended up|which (?:meant|led to|resulted)|that (?:meant|led to)|by the end|it worked|resulted in|got (?:approved|adopted|rolled out|promoted|through)|(?:was|were|got) (?:adopted|approved|reversed|paused|rolled out|re-?approved)|rolled (?:it )?out|we (?:shipped|launched|delivered|got through|hit|reached|saved|cut|reduced|increased|grew|went live|kept)|(?:cut|reduced|increased|improved|grew|dropped|fell|rose|went (?:up|down)|brought) [^.!?]{0,40}?(?:from|by|to) \S*\d|\d+(?:\.\d+)?\s?(?:%|percent) (?:more|less|fewer|higher|lower|faster|slower)|(?:down|up) (?:from|to) \S*\d|zero (?:incidents|issues|bugs)|no (?:login |payment )?(?:incidents|issues)|caught \w+ (?:other )?(?:issues|bugs)|saved (?:us )?\S*\d)"
);
cue!(
    REFLECTION,
    r"(?i)\b(?:I learn(?:ed|t)|(?:the|my|a|one|key|big) (?:lesson|takeaway)|lesson (?:was|for me|I)|taught me|in hindsight|looking back|next time|if I did it again|I(?:'d| would) do (?:it |things )?differently|since then|now I (?:always|try|make|start|do|check|reconcile|ask)|I (?:took|take) away|what I took away|I realis(?:ed|e)|I realiz(?:ed|e)|made me realise|I(?:'ve| have) (?:learned|learnt|started|changed)|what I(?:'d| would) change|I keep coming back to|the thing I took)"
);

// Sequencing and issue trees
cue!(
    SEQUENCE,
    r"(?i)\b(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth|finally|lastly|then|next|after that|in parallel|meanwhile|to start|start(?:ing)? (?:with|by)|once (?:I|we) (?:have|know)|before (?:anything|I|we))\b"
);
cue!(
    ENUMERATION,
    r"(?i)(?:\b(?:two|three|four|five|2|3|4|5) (?:main |key |big |separate |simple )?(?:things|buckets|areas|parts|questions|pillars|levers|drivers|steps|options|factors|components|phases|problems|users|categories|segments|ways|sides|issues)\b|(?m:^\s*(?:\d+[.)]|[-*•])\s+)|\bsplit (?:this|it|the month|them) (?:into|in)\b|\bbreak (?:this|it) (?:down|into)\b|\bon the (?:revenue|cost|demand|supply|internal|external|risk|user|rider|driver|customer) side\b|\bthere are (?:really )?(?:two|three|four) )"
);
cue!(
    ISSUE_TREE,
    r"(?i)\b(?:revenue|costs?|volume|price|mix|market size|competition|competitors|economics|profitability|risks?|capabilities|demand|supply|internal|external|fixed costs?|variable costs?|customers?|channels?)\b"
);
cue!(
    HYPOTHESIS,
    r"(?i)\b(?:my (?:initial |working |first |main |early )?hypothesis|hypothesis is|I(?:'d| would) (?:expect|guess|bet|hypothesi[sz]e)|I suspect|going in,? my|my (?:first |initial )?(?:guess|instinct|hunch) (?:is|would be)|my (?:initial|early|first) view|likely (?:driver|cause)|most likely (?:the|it|cause)|my first guess|I(?:'d| would) start from the view)"
);
cue!(
    CONCLUSION,
    r"(?i)\b(?:recommendations?\s*:|so I(?:'d| would)? recommend|I(?:'d| would) recommend|my recommendation|I recommend|recommend(?:ation)? (?:is|would be)|in summary|to summari[sz]e|to sum up|in conclusion|to conclude|bottom line|so my (?:answer|estimate)|my (?:answer|estimate|final answer) is|so the answer|so (?:yes|no),|I(?:'d| would) go with|that gets (?:me|us) to|call it|so (?:roughly|about|around) \S*\d|so I(?:'d| would) say|net,? net|all in all|overall,)"
);
cue!(
    NEXT_STEPS,
    r"(?i)\b(?:next steps?|the (?:main |key |big |biggest )?risks? (?:is|are|would be|I'd watch)|risk is|I(?:'d| would) (?:also )?(?:want to check|check|want to know|validate|verify)|before (?:I'd|I would|we) (?:say|commit|recommend|roll)|in parallel|due diligence|a trial|pilot|watch (?:churn|it|that))"
);
cue!(
    TRADEOFF,
    r"(?i)(?:\btrade-?offs?\b|\bdownsides?\b|\bdrawbacks?\b|\bthe cost (?:is|of)\b|\bat the (?:cost|expense) of\b|\bon the other hand\b|\bwhereas\b|\bversus\b|\bvs\.?\s|\brather than\b|\binstead of\b|\bthe alternative\b|\balternatively\b|\bpros and cons\b|\bit depends\b|\bdepends on\b|\bin exchange for\b|\bthe catch\b|\bisn't free\b|\bnot free\b|\boverhead\b|\byou (?:lose|give up|accept)\b|\bwe (?:lose|accept)\b|\bworth it\b|\b(?:simpler|cheaper|faster|accurate|easier) but\b|\btoo (?:hard|much|many|far)\b|\bcosts? (?:memory|latency|extra)\b|\bmakes? (?:things|it) worse\b|\bslows? (?:things|it|inserts|writes)? ?down\b|\bonly (?:safe|worth)\b|\bwouldn't\b)"
);
cue!(
    EXAMPLE,
    r"(?i)\b(?:for example|for instance|e\.g\.|such as|let's say|say,|imagine|like if|things like|like a|say it|say you|say we)\b"
);
cue!(
    SANITY,
    r"(?i)\b(?:sanity[- ]?check\w*|cross-?check\w*|double-?check\w*|does (?:that|this) (?:make sense|seem)|seems? (?:about )?(?:right|reasonable|plausible|high|low|sensible)|sounds? (?:about )?(?:right|reasonable|plausible)|feels? (?:about )?(?:right|reasonable|plausible|high|low)|triangulat\w*|order of magnitude|compare (?:that|this|it) (?:to|with|against)|(?:against|versus) (?:rent|a benchmark|benchmarks|the known|known)|would be consistent|is consistent|consistent with|plausible|which fits|roughly what I'd expect|what I'd expect|check (?:that|this|it) against|if you looked|let me check)\b"
);
cue!(
    ASSUMPTION,
    r"(?i)\b(?:assum\w+|let's say|let me say|I(?:'d| would| will|'ll) (?:guess|say|estimate|put|take|use|assume)|say (?:about|around|roughly|maybe)|call it|on average|roughly|approximately|about|around|maybe|if (?:we|I) (?:say|assume)|I remember|commonly quoted|let's add)\b"
);
cue!(
    INSIGHT,
    r"(?i)\b(?:which means|that means|this means|so the (?:real|key|interesting)|the interesting (?:thing|part)|the real (?:question|problem|issue|constraint)|the constraint|this suggests|that suggests|that tells (?:us|me)|implies|the (?:main |key |real )?driver|root cause|the problem is|the key (?:question|insight|thing)|can't be solved|isn't the constraint|is not the constraint|matters more|the bigger (?:issue|question))\b"
);
cue!(
    USER,
    r"(?i)\b(?:users?|customers?|riders?|drivers?|carers?|caregivers?|personas?|segments?|pain ?points?|jobs? to be done|people who|who (?:the|our) users|their (?:problem|needs|pain|experience|targets|metric)|the (?:older|elderly) person|families|family members?|accounts?)\b"
);
cue!(
    PRIORITY,
    r"(?i)\b(?:prioriti[sz]\w*|priorities|rice|impact (?:versus|vs\.?|and|over) effort|effort|most important|biggest (?:problem|drop|impact|lever)|goes first|first version|focus (?:on|the)|top priority|must-have|nice to have|leave out|deliberately|rank\w*|score (?:each|them)|highest|moscow|cost of delay|by far|the (?:first|main) thing|pick (?:one|the)|value versus)\b"
);
cue!(
    METRIC,
    r"(?i)\b(?:metrics?|kpis?|measure\w*|retention|conversion|activation|adherence|churn|north star|a/b test\w*|experiment\w*|guardrails?|dau|mau|nps|rates?|percentage|funnel|cohorts?|success (?:is|would be|metric)|revenue|uplift|tracking|dashboard)\b"
);
cue!(
    PLAN,
    r"(?i)\b(?:I(?:'d| would)|I will|I'll|my plan|the plan)\b"
);
cue!(
    PERSPECTIVE,
    r"(?i)\b(?:they were probably|they(?:'re| are) probably|from their (?:side|point of view|perspective)|their (?:position|perspective|concerns?|incentives?|targets?)|good intent|assuming (?:it's|good)|understand (?:why|what|their)|fair(?:ly)?|so nobody (?:was|is) surprised|throw (?:them|him|her) under|someone I like|awkward|the risk I'd watch|uncomfortable|I wouldn't)\b"
);
cue!(
    OUTCOME_AIM,
    r"(?i)\b(?:so that|so we (?:don't|can|aren't)|the goal (?:is|would be)|I(?:'d| would) hope|I want(?:ed)? (?:to make sure|the)|success (?:looks|would look|is)|what (?:success|good) looks like|aim|outcome|so (?:nobody|no one)|which (?:means|keeps)|the only way to|otherwise)\b"
);

/// All cue families found in an answer.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cues {
    pub situation: Hits,
    pub task: Hits,
    pub action: Hits,
    pub result: Hits,
    pub reflection: Hits,
    pub sequence: Hits,
    pub enumeration: Hits,
    pub issue_tree: Hits,
    pub hypothesis: Hits,
    pub conclusion: Hits,
    pub next_steps: Hits,
    pub tradeoff: Hits,
    pub example: Hits,
    pub sanity: Hits,
    pub assumption: Hits,
    pub insight: Hits,
    pub user: Hits,
    pub priority: Hits,
    pub metric: Hits,
    pub plan: Hits,
    pub perspective: Hits,
    pub outcome_aim: Hits,
    /// Counts of first-person singular and plural pronouns ("I" vs "we").
    pub i_count: usize,
    pub we_count: usize,
}

static I_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::cue_regex(r"\b(?:I(?:'d|'m|'ve|'ll|’d|’m|’ve|’ll)?|(?i:me|my|myself))\b")
});
static WE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::cue_regex(r"(?i)\b(?:we|we'd|we're|we've|we'll|us|our|ourselves|we’d|we’re)\b")
});

impl Cues {
    pub fn find(text: &str) -> Self {
        Cues {
            situation: find(&SITUATION, text),
            task: find(&TASK, text),
            action: find(&ACTION, text),
            result: find(&RESULT, text),
            reflection: find(&REFLECTION, text),
            sequence: find(&SEQUENCE, text),
            enumeration: find(&ENUMERATION, text),
            issue_tree: find(&ISSUE_TREE, text),
            hypothesis: find(&HYPOTHESIS, text),
            conclusion: find(&CONCLUSION, text),
            next_steps: find(&NEXT_STEPS, text),
            tradeoff: find(&TRADEOFF, text),
            example: find(&EXAMPLE, text),
            sanity: find(&SANITY, text),
            assumption: find(&ASSUMPTION, text),
            insight: find(&INSIGHT, text),
            user: find(&USER, text),
            priority: find(&PRIORITY, text),
            metric: find(&METRIC, text),
            plan: find(&PLAN, text),
            perspective: find(&PERSPECTIVE, text),
            outcome_aim: find(&OUTCOME_AIM, text),
            i_count: I_RE.find_iter(text).count(),
            we_count: WE_RE.find_iter(text).count(),
        }
    }

    /// Which STAR parts are present, in order situation, task, action, result.
    pub fn star(&self) -> [bool; 4] {
        [
            self.situation.any(),
            self.task.any(),
            self.action.any(),
            self.result.any(),
        ]
    }
}

/// Names of STAR parts, for feedback.
pub(crate) const STAR_NAMES: [&str; 4] = ["situation", "task", "action", "result"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_all_star_parts() {
        let c = Cues::find(
            "At my last job I owned the billing service. My task was to cut failed payments. \
             So I set up a one-on-one and I proposed a test. As a result, failures fell from 4% to 1.2%.",
        );
        assert_eq!(c.star(), [true, true, true, true]);
    }

    #[test]
    fn missing_result_is_detected() {
        let c =
            Cues::find("At my last job we had a conflict. I needed to fix it, so I talked to him.");
        assert_eq!(c.star(), [true, true, true, false]);
        let vague = Cues::find("I get on with everyone and communication is important.");
        assert_eq!(vague.star(), [false, false, false, false]);
    }

    #[test]
    fn detects_issue_tree_hypothesis_and_conclusion() {
        let c = Cues::find(
            "I'd break this into three buckets: revenue, costs and competition. First, revenue. \
             My hypothesis is that convenience stores are the drag. So I'd recommend closing ten of them.",
        );
        assert!(c.enumeration.count >= 2, "{:?}", c.enumeration);
        assert!(c.sequence.any());
        assert!(c.hypothesis.any());
        assert!(c.conclusion.any());
        let numbered = Cues::find("Plan:\n1. Listen\n2. Diagnose\n3. Act");
        assert_eq!(numbered.enumeration.count, 3);
    }

    #[test]
    fn counts_first_person_singular_and_plural() {
        let c =
            Cues::find("I proposed it and we shipped it; our team was happy and I learned a lot.");
        assert_eq!(c.i_count, 2);
        assert_eq!(c.we_count, 2);
    }

    #[test]
    fn detects_tradeoffs_and_sanity_checks() {
        assert!(
            Cues::find("The trade-off is more load on us, rather than losing analytics.")
                .tradeoff
                .count
                >= 2
        );
        assert!(
            Cues::find("Let me sanity check that against rent; that seems reasonable.")
                .sanity
                .count
                >= 2
        );
        assert!(!Cues::find("We shipped it on Friday.").sanity.any());
    }
}
