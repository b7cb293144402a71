"""Word lists for splitting glued terms. Written for pmquiz; small on purpose."""

# Verbs that open an instruction ("help users…", "ensure customers…"): descriptions in term
# lists usually start with one of these.
IMPERATIVE_VERBS = frozenset("""
accelerate accept achieve acquire act adapt add address adjust adopt advance align allocate
allow analyse analyze anticipate apply approve articulate ask assess assign assume attract
automate avoid balance become begin benchmark boost break bring build calculate capture
celebrate challenge change check choose clarify close coach collaborate collect combine commit
communicate compare compete complete connect consider consolidate continue contribute control
convert coordinate create cultivate cut decide declare define delegate delight deliver
demonstrate deploy derive design detect determine develop diagnose differentiate discover
discuss do document drive earn eliminate embed embrace empower enable encourage end engage
enhance ensure enter establish estimate evaluate evolve examine execute expand experiment
explain explore expose extend facilitate find finish fix focus follow forecast foster frame
gain gather generate get give grow guide handle help hire identify implement improve include
increase influence inform innovate inspire integrate interview introduce invest involve iterate
keep kill know launch lead learn leverage limit listen lower maintain make manage map maximise
maximize measure meet minimise minimize mitigate model monitor motivate move negotiate nurture
observe obtain offer onboard open optimise optimize orchestrate organise organize outline own
partner pay perform personalise personalize pick pilot plan position predict prepare present
preserve prevent prioritise prioritize probe produce promote propose protect prototype prove
provide publish pursue put qualify question raise rank reach read realise realize rebuild
recognise recognize recommend reduce refine reflect reinforce release remove repeat replace
report represent research reshape resolve respond retain rethink reuse reveal review reward
run satisfy scale schedule scope secure segment select sell serve set shape share ship show
simplify solve sort spark specify spend stabilise stabilize start stay stop streamline
strengthen structure study support survey sustain take target teach test think track train
transform translate turn uncover understand unify unlock update upgrade use validate value
verify visualise visualize watch win work write
""".split()) | frozenset("""
abandon accelerate acknowledge adjust advocate aim allocate amplify announce appreciate
approach arrange assemble attach attend audit balance base become blend block boost borrow
bother bridge brief broaden budget bundle buy calibrate call care carry cast catch center
centre chase cheer claim climb collapse come comment compose compute concentrate confirm
consult contact contain convey copy correct count craft cultivate curate deal debate debug
decline decrease deepen defend defer delay delete depend describe deserve detail direct disable
discard disclose dismiss display distinguish distribute divide doubt drag dream earn edit
educate elevate elicit embrace emphasise emphasize employ encode endorse enforce enjoy enlist
enrich entertain envision equip escalate escape examine exceed exchange excite exclude exercise
exhibit exit expect experience expose express extract fail favor favour feed feel fetch fight
fill filter fit fold follow force forget formulate forward gather gauge give go grab grant
greet guess halt handle harness hear highlight ignore illustrate imagine import impress
incorporate increase indicate infer inform initiate inject insist inspect install instrument
interpret invite invoke join judge justify learn lease leave lend let license live localise
localize locate maintain mark market meet mention merge mirror miss mobilise mobilize modify
motivate mount name narrow navigate nominate normalise normalize note notice notify obey
onboard operate opt package perceive permit persuade pick polish postpone practice practise
praise predict preserve prevent probe process procure prompt protect prove purchase qualify
quantify query quit rationalise rationalize react realign reapply rebuild recall receive
recruit recycle redesign redirect refactor refer regain register regulate reinvent reject
relate relax rely remain remember remind remove render renew reorganise reorganize repair reply
request require rescue reserve resist respect restore restrict restructure resume retire
retrieve reuse revamp revise revisit reward rotate scrape seize separate shorten shrink
simulate sketch skip slow smooth solicit spend sponsor steer stimulate stretch strip strive
structure submit succeed suggest suit summarise summarize supply surface surprise suspend
sustain swap switch synthesise synthesize tackle tailor talk teach tend tolerate transfer
translate treat trigger underline undertake unify unite unpack upsell urge utilise utilize
verify volunteer warn weigh widen withdraw witness
""".split())

# Common English words used to accept the term side of a split when the page itself does not
# contain the word elsewhere.
COMMON_WORDS = frozenset("""
a able about above access account across action active actual add adoption advantage after
again against agile aha all alone also always an analysis and any app area around as ask at
audience automation available average away back bad base based basic be become before being
best better between big both brand break build business but buy by can care case cash change
channel cheap clear close cloud cost costs costly create critical cross culture current
customer customers cycle daily data day deep demand design development different digital
direct discovery do down drive early easy effect effective efficiency effort end engagement
enough entire entry every experience expert fail fast feature features feedback few field
first fit flow focus for free frequent friction from full funnel future gain goal goals good
great growth habit happy hard high higher impact important in insight into it its journey
just keep key large last late lead lean less level life lifecycle light like little live long
loop loops loss low loyalty main make many market markets mass matter meaning mind minimum
model modern moment more most much must need needs network new next no not now of often on
once one only open or order organic other our out over own part people per personal plan
platform point power price pricing problem process product products profit progress quality
quick rapid rate reach real recurring reduce retention return revenue right risk role run safe
sale sales scale self service share short simple single small smart social speed stage stages
start state steady step steps strategy strong success support sustainable switching system
team teams test the their them time to today top total trust truly two under unique up usage
use user users value values viral virality way well what when where which while who whole
why will win with within word work world year you your
""".split())
