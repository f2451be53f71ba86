//! The relation rules as a table: sentences of our own (not the seeds), each with the claims
//! it must give, at state level: `SUBJECT RELATION OBJECT`, then `NOT` for a denied claim,
//! `mod:MODALITY` when not asserted and `by:SPEAKER` when attributed. Symmetric relations list
//! the two ids in alphabetical order.

use super::lexicon::Part;
use super::quotes::quotation_spans;
use super::tokens::tokenize;
use super::*;
use crate::gazetteer::Gazetteer;
use crate::norm::is_word_char;
use crate::tagger::{CaseMode, Tagger};
use crate::text::layout;
use compact_str::CompactString;
use rustc_hash::FxHashMap as HashMap;

struct Fixture {
    gaz: Gazetteer,
    tagger: Tagger,
    lex: Lexicon,
}

fn fixture() -> &'static Fixture {
    static F: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    F.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("gazetteer");
        let gaz = Gazetteer::load(&root).unwrap();
        let tagger = Tagger::new(&gaz, CaseMode::Default).unwrap();
        let lex = Lexicon::load(&root).unwrap();
        Fixture { gaz, tagger, lex }
    })
}

fn claims_of(text: &str, date: Option<&str>) -> Vec<String> {
    let f = fixture();
    let l = layout(text, &f.gaz.text);
    let mentions = f.tagger.tag(text, &l.paragraphs, date.map(|d| d.parse().unwrap()));
    let mut out: Vec<String> = extract(text, &l, &mentions, &f.gaz, &f.lex)
        .into_iter()
        .map(|c| {
            let id = |e: u32| {
                let ent = &f.gaz.entities[rollup(&f.gaz, e) as usize];
                ent.id.clone()
            };
            let rel = &f.lex.relations[c.relation];
            let (mut s, mut o) = (id(c.subject), id(c.object));
            if rel.symmetric && o < s {
                std::mem::swap(&mut s, &mut o);
            }
            let mut t = format!("{s} {} {o}", rel.id);
            if c.negated {
                t = format!("{s} NOT {} {o}", rel.id);
            }
            if c.modality != Modality::Asserted {
                t.push_str(&format!(" mod:{}", c.modality.as_str()));
            }
            if let Some(sp) = c.speaker {
                t.push_str(&format!(" by:{}", f.gaz.entities[sp as usize].id));
            }
            t
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

const D: Option<&str> = Some("2024-03-01");

#[rustfmt::skip]
const CASES: &[(&str, Option<&str>, &[&str])] = &[
    // Conflict, verbal and material.
    ("Russia condemned the Israeli strikes on Syria.", D, &["israel assault syria", "russia disapproval israel"]),
    ("Iran was condemned by the United States.", D, &["united-states disapproval iran"]),
    ("India did not condemn Russia's invasion of Ukraine.", D, &["india NOT disapproval russia", "russia war ukraine"]),
    ("The United States imposed sanctions on Russia.", D, &["united-states sanctions russia"]),
    ("Turkey threatened to invade northern Syria.", D, &["turkey threat syria", "turkey war syria mod:future"]),
    ("Hezbollah fired rockets at Israel.", D, &["hezbollah assault israel"]),
    ("Ukraine's foreign minister accused Hungary of blocking aid.", D, &["ukraine disapproval hungary"]),
    ("If Iran attacks Israel, the United States would respond.", D, &["iran assault israel mod:hypothetical"]),
    ("Iran seized a British oil tanker in the Strait of Hormuz.", D, &["iran coercion united-kingdom"]),
    ("Poland expelled Russian diplomats.", D, &["poland sanctions russia"]),
    ("Venezuela rejected the US proposal.", D, &["venezuela rejection united-states"]),
    ("Azerbaijan and Armenia have been at odds over Nagorno-Karabakh for decades.", D, &["armenia rift azerbaijan"]),
    ("Russia's relations with Georgia have deteriorated sharply.", D, &["georgia rift russia"]),
    ("Washington warned Tehran against enriching uranium.", D, &["united-states threat iran"]),
    ("China criticized the Philippines and Vietnam over the South China Sea.", D, &["china disapproval philippines", "china disapproval vietnam"]),
    ("Armenia accused Azerbaijan of ethnic cleansing in Nagorno-Karabakh.", D, &["armenia disapproval azerbaijan"]),
    ("Israeli forces killed a Hamas commander in Gaza.", D, &["israel assault hamas"]),
    ("The United Nations Security Council condemned North Korea's missile launch.", D, &["un-security-council disapproval north-korea"]),
    ("Tehran and Riyadh are rivals.", D, &["iran enmity saudi-arabia"]),
    ("Relations between Moscow and Washington are at their lowest point.", D, &["russia rift united-states"]),
    ("The Houthis launched a drone attack on a Saudi oil facility.", D, &["houthis assault saudi-arabia"]),
    ("Turkey blocked Sweden's bid to join NATO for months.", D, &["turkey rejection sweden"]),
    ("Moscow accused Kyiv of attacking the Zaporizhzhia nuclear plant.", D, &["russia disapproval ukraine"]),
    ("Israel struck Iranian air defences.", D, &["israel assault iran"]),
    ("Neither China nor India criticised Russia.", D, &["china NOT disapproval russia", "india NOT disapproval russia"]),
    ("Russia has been accused by Ukraine of war crimes.", D, &["ukraine disapproval russia"]),
    ("Greece and Turkey have a long-running dispute over maritime borders.", D, &["greece rift turkey"]),
    ("Cuba condemned the US embargo.", D, &["cuba disapproval united-states"]),
    ("Ukrainian drones struck a Russian oil refinery.", D, &["ukraine assault russia"]),
    ("Serbia refused to impose sanctions on Russia.", D, &["serbia NOT sanctions russia"]),
    ("Iran demanded that the United States lift sanctions.", D, &["iran demand united-states"]),
    ("Russia massed troops near Ukraine's border.", D, &["russia force_posture ukraine"]),
    ("Ukraine accused Russia of genocide.", D, &["ukraine disapproval russia"]),
    ("Ecuador and Mexico broke off diplomatic relations.", D, &["ecuador reduction mexico"]),
    ("Hungary has blocked EU aid to Ukraine.", D, &["european-union aid ukraine", "hungary rejection european-union"]),
    ("Trump threatened tariffs on Canada.", Some("2025-03-01"), &["united-states sanctions canada mod:future"]),
    ("Iranian-backed militias attacked US bases in Iraq.", D, &["iran assault united-states"]),
    ("Russia and Ukraine exchanged fire along the front line.", D, &["russia war ukraine"]),
    ("The IAEA is investigating Iran's nuclear programme.", D, &["iaea investigation iran"]),
    ("Pakistan protested against India's decision.", D, &["pakistan protest india"]),
    ("China is conducting military drills near Taiwan.", D, &["china force_posture taiwan"]),
    // Cooperation, verbal and material.
    ("China and Russia signed a treaty on strategic cooperation.", D, &["china agreement russia", "china partnership russia"]),
    ("Israel and Hamas agreed to a ceasefire.", D, &["israel intent_to_cooperate hamas"]),
    ("Putin met Xi in Beijing on Tuesday.", D, &["china consultation russia"]),
    ("North Korea is supplying artillery shells and missiles to Russia, according to US officials.", D, &["north-korea arms_transfer russia by:united-states"]),
    ("Saudi Arabia and Iran restored diplomatic relations in 2023.", D, &["iran cooperation saudi-arabia"]),
    ("Egypt hosted talks between Israel and Hamas.", D, &["egypt mediation hamas", "egypt mediation israel"]),
    ("Russia will deliver S-400 systems to India next year.", D, &["russia arms_transfer india mod:future"]),
    ("Moscow and Beijing pledged to deepen their partnership.", D, &["china partnership russia", "russia intent_to_cooperate china"]),
    ("Kim Jong Un praised Putin.", D, &["north-korea endorsement russia"]),
    ("The EU and China held a summit in Brussels.", D, &["china consultation european-union"]),
    ("Japan and South Korea agreed to share military intelligence.", D, &["japan intent_to_cooperate south-korea", "japan material_cooperation south-korea"]),
    ("Qatar is mediating between Israel and Hamas.", D, &["qatar mediation hamas", "qatar mediation israel"]),
    ("Sweden joined NATO in 2024.", D, &["nato alliance sweden"]),
    ("Talks between Washington and Moscow collapsed.", D, &["russia consultation united-states"]),
    ("The Pentagon announced new military aid for Ukraine.", D, &["united-states aid ukraine"]),
    ("Germany will send Taurus missiles to Ukraine, the chancellor said.", D, &["germany arms_transfer ukraine mod:future"]),
    ("France recalled its ambassador to Algeria.", D, &["france sanctions algeria"]),
    ("Russia and Belarus held joint military exercises near the Polish border.", D, &["belarus material_cooperation russia"]),
    ("Iran's president visited Beijing.", Some("2024-10-01"), &["china consultation iran"]),
    ("The Iranian president visited Beijing.", None, &["china consultation iran"]),
    ("Venezuela thanked Russia for its support.", D, &["venezuela endorsement russia"]),
    ("Russian President Vladimir Putin met Chinese leader Xi Jinping.", D, &["china consultation russia"]),
    ("Australia expressed solidarity with Ukraine.", D, &["australia endorsement ukraine"]),
    ("Iran and Saudi Arabia signed a deal brokered by China.", D, &["china mediation iran", "china mediation saudi-arabia", "iran agreement saudi-arabia"]),
    ("China is Russia's most important trading partner.", D, &["china partnership russia"]),
    ("China urged Russia and Ukraine to resume negotiations.", D, &["china appeal russia", "china appeal ukraine"]),
    ("A rapprochement between Egypt and Turkey is under way.", D, &["egypt rapprochement turkey"]),
    ("Saudi Arabia commented on Iran's nuclear programme.", D, &["saudi-arabia statement iran"]),
    ("Russia released two American prisoners.", D, &["russia yield united-states"]),
    ("Ukraine and Russia exchanged prisoners.", D, &["ukraine yield russia"]),
    ("The Kremlin said Russia was ready to help Iran.", D, &["russia aid iran mod:hypothetical by:kremlin"]),
    ("According to Reuters, Russia shipped missiles to Syria.", D, &["russia arms_transfer syria"]),
    ("Biden said the United States would defend Taiwan.", D, &["united-states aid taiwan mod:future by:joe-biden"]),
    // Negation, questions, quotations and attribution.
    ("Russia is not an ally of Iran.", D, &["iran NOT alliance russia"]),
    ("Putin never visited Tehran.", D, &["iran NOT consultation russia"]),
    ("Erdogan refused to meet Netanyahu.", D, &["turkey rejection israel"]),
    ("Did Russia supply drones to Iran?", D, &["russia arms_transfer iran mod:question"]),
    ("The Kremlin denied that it was planning to attack NATO.", D, &["russia NOT assault nato mod:future by:kremlin"]),
    ("“Russia is our enemy,” Zelensky said.", D, &["russia enmity ukraine by:volodymyr-zelensky"]),
    ("“Our alliance with Russia is unbreakable,” the Belarusian president said.", D, &["belarus alliance russia by:alexander-lukashenko"]),
    ("Oman said it had facilitated indirect talks between Iran and the United States.", D, &["iran consultation united-states by:oman", "oman mediation iran by:oman", "oman mediation united-states by:oman"]),
    ("Russia and Iran still don't trust each other, an analyst said.", D, &["iran distrust russia"]),
    ("“We will keep supporting Ukraine,” Macron said. “France stands by Kyiv.”", D, &["france endorsement ukraine by:emmanuel-macron", "france endorsement ukraine mod:future by:emmanuel-macron"]),
    ("Lavrov told reporters that Moscow had not supplied weapons to the Taliban.", D, &["russia NOT arms_transfer taliban by:sergey-lavrov"]),
    // Found by fuzzing: a negator phrase that overlaps its cue ("no sign" / "sign ... treaty").
    ("There was no sign of a treaty between Russia and Iran.", D, &["iran NOT agreement russia"]),
    // Sentences with two actors and no claim.
    ("Thousands protested against the Chinese government in Hong Kong.", D, &[]),
    ("Russian troops shelled Kharkiv.", D, &[]),
    ("The two leaders discussed trade and security.", D, &[]),
    ("Pyongyang fired a ballistic missile over Japan.", D, &[]),
    ("Kenya sent troops to Haiti.", D, &[]),
    ("Russian oil exports to India rose in March.", D, &["india material_cooperation russia"]),
    ("Prices of Russian oil rose after the Indian announcement.", D, &[]),
    ("Iranian and Iraqi officials attended the ceremony.", D, &[]),
    // The seeds' wrong claims, as general cases: a group's relation with a third party is not
    // one inside it; "in his invasion" names the invader; "X and its allies" has no object.
    ("Even as they shared an adversarial relationship with the United States, Russia and Iran cooperated.", D, &["iran cooperation russia"]),
    ("Russia and Iran have an antagonistic relationship with the United States.", D, &["iran relations united-states", "russia relations united-states"]),
    ("Iran has given Putin drones to use in his invasion of Ukraine.", D, &["iran arms_transfer russia", "russia war ukraine"]),
    ("Russia shipped shells to Syria as it prioritized its own war against Ukraine.", D, &["russia arms_transfer syria", "russia war ukraine"]),
    ("Khamenei said the United States and its allies in Europe had left the Kremlin no choice.", D, &[]),
    // "the two countries", "both sides": the pair the document has linked, or the two states
    // named before them in the sentence.
    ("India and Pakistan exchanged fire on Monday. The United States urged both countries to show restraint.", D, &["india war pakistan", "united-states appeal india", "united-states appeal pakistan"]),
    ("Egypt and Ethiopia held talks on the dam. Relations between the two countries have soured.", D, &["egypt consultation ethiopia", "egypt rift ethiopia"]),
    ("Thai jets bombed Cambodian positions along the two countries' disputed border.", D, &["thailand assault cambodia"]),
    ("Japan and South Korea signed a pact. Baseball fans in both countries celebrated.", D, &["japan agreement south-korea"]),
    ("Serbia and Kosovo met in Brussels. The EU welcomed both sides.", D, &["european-union endorsement kosovo", "european-union endorsement serbia", "kosovo consultation serbia"]),
    // Flips: halting cooperation is a sanction, lifting sanctions a concession, ending a war
    // de-escalation; a flip word after a determiner is a noun and flips nothing.
    ("The United States paused all military aid to Ukraine.", D, &["united-states reduction ukraine"]),
    ("Turkey suspended all exports to Israel.", D, &["turkey reduction israel"]),
    ("The United Arab Emirates downgraded its ties with Tehran.", D, &["united-arab-emirates reduction iran"]),
    ("Trump pulled the United States out of the nuclear agreement with Iran.", D, &["united-states reduction iran"]),
    ("Trump agreed to pause the tariffs on Mexico.", D, &["united-states intent_to_cooperate mexico", "united-states yield mexico"]),
    ("Japan said it would lift sanctions on South Korea.", D, &["japan yield south-korea mod:future by:japan"]),
    ("Putin met Erdogan at the end of his visit to Turkey.", D, &["russia consultation turkey"]),
    ("China banned seafood imports from Japan.", D, &["china reduction japan"]),
    ("Thailand closed all border crossings with Cambodia.", D, &["thailand reduction cambodia"]),
    // Retreat.
    ("Israeli troops will withdraw from southern Lebanon.", D, &["israel retreat lebanon mod:future"]),
    ("France will pull its troops out of Niger.", D, &["france retreat niger mod:future"]),
    ("Rwanda agreed to withdraw its troops from Congolese territory.", D, &["rwanda intent_to_cooperate democratic-republic-of-the-congo", "rwanda retreat democratic-republic-of-the-congo"]),
    // Conjuncts before a one-way cue are not related to each other; before a mutual one they are.
    ("The United States, China and Britain urged restraint.", D, &[]),
    ("Britain and France condemned the attack.", D, &[]),
    ("Armenia and Azerbaijan agreed to a ceasefire.", D, &["armenia intent_to_cooperate azerbaijan"]),
    // An opening subordinate clause ends at its comma; an organisation before "summit" is the
    // event's name.
    ("As Russia's relations with the West deteriorated, Iran courted China.", D, &["china cooperation iran"]),
    ("The two leaders will meet on the sidelines of the BRICS summit.", D, &[]),
    // Mediators are paired with each party, never taken as a party themselves.
    ("Iran and Saudi Arabia agreed to restore relations in a deal brokered by China.", D, &["china mediation iran", "china mediation saudi-arabia", "iran cooperation saudi-arabia", "iran intent_to_cooperate saudi-arabia"]),
    ("Moscow said it was ready to mediate between Washington and Tehran.", D, &["russia mediation iran mod:hypothetical by:russia", "russia mediation united-states mod:hypothetical by:russia"]),
    ("Qatar hosted the talks between Israel and Hamas.", D, &["qatar mediation hamas", "qatar mediation israel"]),
    ("Under the U.S.-brokered deal, Israel and Lebanon will end hostilities.", D, &["united-states mediation israel", "united-states mediation lebanon"]),
    ("Russian and Ukrainian negotiators met in Istanbul. The talks were hosted by Erdogan.", D, &["russia consultation ukraine", "turkey mediation russia", "turkey mediation ukraine"]),
    ("The leaders attended a dinner hosted by King Charles.", D, &[]),
    ("Xi received Putin in Beijing.", D, &["china consultation russia"]),
    // A possessive before agent nouns is the actor ("China's foreign ministry accused").
    ("China's foreign ministry accused Washington of hypocrisy.", D, &["china disapproval united-states"]),
    ("Pakistan's army chief met Saudi officials in Riyadh.", D, &["pakistan consultation saudi-arabia"]),
    // The wordings of every PLOVER category, verbal and noun forms (our own sentences).
    ("Poland summoned the Belarusian ambassador over the border incident.", D, &["poland protest belarus"]),
    ("Vietnam lodged a protest with China over the survey ship.", D, &["vietnam protest china"]),
    ("Greece lodged a formal protest against Turkey.", D, &["greece protest turkey"]),
    ("Chinese warships held drills around Taiwan.", D, &["china force_posture taiwan"]),
    ("Russia massed troops along its border with Ukraine.", D, &["russia force_posture ukraine"]),
    ("Iranian forces boarded a Greek tanker.", D, &["iran coercion greece"]),
    ("Two Indian fishing boats were seized by Pakistan.", D, &["pakistan coercion india"]),
    ("Iran launched missiles at Israel.", D, &["iran assault israel"]),
    ("Israel's strike on Iran drew condemnation.", D, &["israel assault iran"]),
    ("A Turkish jet shot a Russian bomber down.", D, &["turkey assault russia"]),
    ("Iran urged Russia to help Syria.", D, &["iran appeal russia", "russia aid syria by:iran"]),
    ("Armenia accused Turkey of sending jets to help Azerbaijan.", D, &["armenia disapproval turkey", "turkey aid azerbaijan by:armenia"]),
    ("Ukraine keeps pushing Russian troops out of occupied land.", D, &["ukraine assault russia"]),
    ("Armenia and Azerbaijan accused each other of violations.", D, &["armenia disapproval azerbaijan"]),
    ("Sudan rejected the offer from Ethiopia.", D, &["sudan rejection ethiopia"]),
    ("Serbia turned down Kosovo's proposal.", D, &["serbia rejection kosovo"]),
    ("North Korea threatened to strike South Korea.", D, &["north-korea assault south-korea mod:future", "north-korea threat south-korea"]),
    ("Iran vowed revenge against Israel.", D, &["iran threat israel"]),
    ("Modi promised a fitting reply to Pakistan.", D, &["india threat pakistan"]),
    ("Turkey will stand by Azerbaijan.", D, &["turkey endorsement azerbaijan mod:future"]),
    ("Hungary ratified Sweden's accession to NATO.", D, &["hungary yield sweden"]),
    ("South Korea dropped its complaint against Japan.", D, &["south-korea yield japan"]),
    ("China expressed regret to Vietnam.", D, &["china yield vietnam"]),
    ("Egypt brokered a truce between Israel and Hamas.", D, &["egypt mediation hamas", "egypt mediation israel", "hamas agreement israel"]),
    ("Warsaw said it had no reason to trust Minsk.", D, &["belarus distrust poland by:poland"]),
    ("Washington doubted that Tehran would comply.", D, &["iran distrust united-states"]),
    ("Canada imposed a levy on Chinese steel.", D, &["canada sanctions china"]),
    ("India will lift export curbs on Bangladesh.", D, &["india yield bangladesh mod:future"]),
    ("South Korea joined the United States in condemning North Korea.", D, &["south-korea cooperation united-states"]),
    ("Qatar hosts a large U.S. military base.", D, &["qatar cooperation united-states"]),
    ("Rwanda sent rescue teams to Uganda.", D, &["rwanda aid uganda"]),
    ("Egypt and Sudan signed a ceasefire with Ethiopia.", D, &["egypt agreement ethiopia", "ethiopia agreement sudan"]),
    // Reported speech: a clause right after "said" or "denied", a participle after a comma
    // (the sentence's subject speaks), a closing attribution with a time after it; "said
    // during ..." reports nothing; "States" in "the United States" is not a verb.
    ("Kim Jong Un said the pact had made Russia an ally of North Korea.", D, &["north-korea alliance russia by:kim-jong-un"]),
    ("Tehran denied supplying missiles to Russia.", D, &["iran NOT arms_transfer russia by:iran"]),
    ("Khamenei rejected Trump's offer, saying Iran could not trust Washington.", D, &["iran distrust united-states by:ali-khamenei", "iran rejection united-states"]),
    ("Indian soldiers clashed with Chinese troops, the Indian army said on Tuesday.", D, &["india war china by:india"]),
    ("Araghchi said during a visit to Moscow that Iran would keep its ties with Russia.", D, &["iran consultation russia"]),
    ("The Pentagon announced new military aid for Ukraine.", D, &["united-states aid ukraine"]),
    ("Russia and Iran are rivals of the United States. The two nations cooperate.", D, &["iran cooperation russia", "iran enmity united-states", "russia enmity united-states"]),
    // Every PLOVER category and the relation states, one wording after another (our own
    // sentences, checked on reading).
    ("Japan and Australia signed a reciprocal access agreement.", D, &["australia agreement japan"]),
    ("Kenya pledged to send police officers to Haiti.", D, &["kenya intent_to_cooperate haiti"]),
    ("Egypt offered to mediate between Sudan and South Sudan.", D, &["egypt intent_to_cooperate south-sudan", "egypt intent_to_cooperate sudan", "egypt mediation south-sudan", "egypt mediation sudan"]),
    ("Vietnam and the Philippines agreed to boost maritime cooperation.", D, &["philippines cooperation vietnam", "vietnam intent_to_cooperate philippines"]),
    ("Indonesia and Malaysia inked a border treaty on Tuesday.", D, &["indonesia agreement malaysia"]),
    ("Greece and Egypt signed a maritime deal.", D, &["egypt agreement greece"]),
    ("Modi spoke with Zelensky by phone on Monday.", D, &["india consultation ukraine"]),
    ("Erdogan met Mitsotakis in Athens.", D, &["greece consultation turkey"]),
    ("The Saudi foreign minister visited Tehran for talks with Iranian officials.", D, &["iran consultation saudi-arabia"]),
    ("Wang Yi held talks with Blinken in Washington.", D, &["china consultation united-states"]),
    ("Pakistan and Afghanistan held talks in Istanbul.", D, &["afghanistan consultation pakistan"]),
    ("Talks between Serbia and Kosovo ended without a deal.", D, &["kosovo consultation serbia"]),
    ("Macron received Ramaphosa at the Elysee Palace.", D, &["france consultation south-africa"]),
    ("Britain backed Ukraine's bid to join NATO.", D, &["united-kingdom endorsement ukraine"]),
    ("Germany praised Poland's handling of the crisis.", D, &["germany endorsement poland"]),
    ("China voiced support for Serbia.", D, &["china endorsement serbia"]),
    ("Hungary sided with Russia in the dispute.", D, &["hungary endorsement russia"]),
    ("Washington welcomed India's decision.", D, &["united-states endorsement india"]),
    ("India and Japan will hold joint military exercises next month.", D, &["india material_cooperation japan mod:future"]),
    ("France and Germany agreed to deepen defence cooperation.", D, &["france cooperation germany", "france intent_to_cooperate germany"]),
    ("Russia and China conducted joint naval drills in the Sea of Japan.", D, &["china material_cooperation russia"]),
    ("South Korea and Japan moved to normalise relations.", D, &["japan cooperation south-korea"]),
    ("The United States sent humanitarian aid to Gaza.", D, &["united-states aid palestine"]),
    ("Japan provided financial assistance to Sri Lanka.", D, &["japan aid sri-lanka"]),
    ("Turkey sent rescue teams to Syria after the earthquake.", D, &["turkey aid syria"]),
    ("Germany will supply air defence systems to Ukraine.", D, &["germany arms_transfer ukraine mod:future"]),
    ("Iran supplied drones to Russia.", D, &["iran arms_transfer russia"]),
    ("Russia released an American journalist in a prisoner swap with the United States.", D, &["russia yield united-states"]),
    ("The United States eased sanctions on Venezuela.", D, &["united-states yield venezuela"]),
    ("Turkey lifted its veto on Finland's membership.", D, &["turkey yield finland"]),
    ("Russian forces withdrew from Kherson.", D, &[]),
    ("The United States pulled its troops out of Niger.", D, &["united-states retreat niger"]),
    ("Armenia withdrew its forces from the border villages.", D, &[]),
    ("India asked Canada to recall dozens of diplomats.", D, &["india appeal canada"]),
    ("China demanded that the Philippines withdraw its ship.", D, &["china demand philippines"]),
    ("Ukraine called on Germany to send more tanks.", D, &["ukraine appeal germany"]),
    ("Pakistan accused India of sponsoring terrorism.", D, &["pakistan disapproval india"]),
    ("Beijing criticised Washington's arms sales to Taipei.", D, &["china disapproval united-states", "united-states arms_transfer taiwan"]),
    ("Iran blamed Israel for the attack on its consulate.", D, &["iran disapproval israel"]),
    ("Algeria condemned Morocco's normalisation with Israel.", D, &["algeria disapproval morocco", "israel cooperation morocco"]),
    ("Venezuela denounced Guyana's oil auction.", D, &["venezuela disapproval guyana"]),
    ("Israel rejected the ceasefire proposal from Egypt.", D, &["israel rejection egypt"]),
    ("Russia dismissed Ukraine's peace plan.", D, &["russia rejection ukraine"]),
    ("Hungary blocked EU sanctions against Russia.", D, &["european-union sanctions russia", "hungary rejection european-union"]),
    ("Ethiopia rejected Egypt's demands over the dam.", D, &["ethiopia rejection egypt"]),
    ("North Korea threatened to use nuclear weapons against the United States.", D, &["north-korea threat united-states"]),
    ("Trump threatened to impose tariffs on Mexico.", D, &["united-states sanctions mexico mod:future", "united-states threat mexico"]),
    ("Iran warned Israel against any attack on its nuclear sites.", D, &["iran threat israel", "israel assault iran by:iran"]),
    ("Russia warned Finland of consequences if it joins NATO.", D, &["russia threat finland"]),
    ("Egypt summoned the Israeli ambassador.", D, &["egypt protest israel"]),
    ("China lodged a protest with Japan over the visit.", D, &["china protest japan"]),
    ("Thousands of Iranians protested against the United States in Tehran.", D, &["iran protest united-states"]),
    ("The European Union imposed new sanctions on Iran.", D, &["european-union sanctions iran"]),
    ("Canada expelled six Indian diplomats.", D, &["canada sanctions india"]),
    ("China banned imports of Japanese seafood.", D, &["china reduction japan"]),
    ("The United States imposed tariffs on Chinese electric vehicles.", D, &["united-states sanctions china"]),
    ("Niger cut ties with France.", D, &["niger reduction france"]),
    ("Britain froze the assets of Russian oligarchs.", D, &["united-kingdom sanctions russia"]),
    ("China held military drills around Taiwan.", D, &["china force_posture taiwan"]),
    ("North Korea massed troops along the border with South Korea.", D, &["north-korea force_posture south-korea"]),
    ("China seized a Philippine supply boat.", D, &["china coercion philippines"]),
    ("Iran seized a British tanker in the Strait of Hormuz.", D, &["iran coercion united-kingdom"]),
    ("Russia detained an American reporter.", D, &["russia coercion united-states"]),
    ("Chinese vessels rammed a Philippine coast guard ship.", D, &["china coercion philippines"]),
    ("Israel struck targets in Lebanon.", D, &["israel assault lebanon"]),
    ("Russia launched missiles at Kyiv.", D, &["russia assault ukraine"]),
    ("Ukraine attacked a Russian airbase with drones.", D, &["ukraine assault russia"]),
    ("Pakistan carried out airstrikes in Afghanistan.", D, &["pakistan assault afghanistan"]),
    ("The United States bombed Houthi targets in Yemen.", D, &["united-states assault houthis"]),
    ("India and Pakistan exchanged fire across the Line of Control.", D, &["india war pakistan"]),
    ("Azerbaijan launched an offensive against Armenian forces.", D, &["azerbaijan war armenia"]),
    ("Russia and Belarus are close allies.", D, &["belarus alliance russia"]),
    ("Turkey and Greece remain rivals in the Aegean.", D, &["greece enmity turkey"]),
    ("China is Pakistan's closest ally.", D, &["china alliance pakistan"]),
    ("Relations between India and Canada have soured.", D, &["canada rift india"]),
    ("The two neighbours have been at odds for years, analysts said.", D, &[]),
    // Distractors, venues, news sources, negation scope, modality, armed groups, pair
    // references, speakers and compounds (our own sentences, checked on reading).
    ("Oil prices rose in Saudi Arabia and Russia on Monday.", D, &[]),
    ("Japan beat South Korea 13-4 in the baseball final.", D, &[]),
    ("Flights between Taipei and Tokyo were cancelled because of the typhoon.", D, &[]),
    ("Inflation fell in both Germany and France last month.", D, &[]),
    ("Elections will be held in India and Pakistan next year.", D, &[]),
    ("Heavy snow hit Canada and the United States.", D, &[]),
    ("Tourists from China and Japan flocked to Thailand.", D, &[]),
    ("The French and German economies grew in the second quarter.", D, &[]),
    ("Brazil and Argentina will play in the World Cup final.", D, &[]),
    ("Students from Iran and Iraq attended the conference in Vienna.", D, &[]),
    ("Russia's economy shrank while Ukraine's grew.", D, &[]),
    ("Shares in Tokyo and Seoul closed higher.", D, &[]),
    ("Talks between Russia and Ukraine took place in Turkey.", D, &["russia consultation ukraine"]),
    ("Iran and the United States held indirect talks in Oman.", D, &["iran consultation united-states"]),
    ("The leaders of India and China met in Kazan.", D, &["china consultation india"]),
    ("The ministers signed the deal in Beijing.", D, &[]),
    ("MOSCOW, June 22 (Reuters) - Russia condemned the strikes on Iran.", D, &[]),
    ("WASHINGTON (AP) \u{2014} The United States imposed sanctions on Venezuela.", D, &["united-states sanctions venezuela"]),
    ("Iran and Russia signed a treaty, the AFP news agency reported.", D, &["iran agreement russia"]),
    ("Russia did not condemn the Israeli strikes.", D, &["russia NOT disapproval israel"]),
    ("China refused to sign the agreement with the Philippines.", D, &["china NOT agreement philippines"]),
    ("India never attacked Pakistan, the minister said.", D, &["india NOT assault pakistan"]),
    ("Turkey does not rule out cooperation with Syria.", D, &["syria cooperation turkey"]),
    ("The United States did not hesitate to sanction Iran.", D, &["united-states sanctions iran"]),
    ("Egypt called on Israel and Hamas to stop the fighting.", D, &["egypt appeal hamas", "egypt appeal israel", "israel retreat hamas"]),
    ("Russia and Ukraine agreed to end the war.", D, &["russia intent_to_cooperate ukraine", "russia retreat ukraine"]),
    ("Israel denied that it had attacked Iran.", D, &["israel NOT assault iran by:israel"]),
    ("Japan has no plans to sanction China.", D, &["japan NOT sanctions china mod:future"]),
    ("Iran could retaliate against Israel.", D, &["iran assault israel mod:hypothetical"]),
    ("China will send its foreign minister to Moscow next week.", D, &["china consultation russia mod:future"]),
    ("If Russia attacks Poland, NATO will respond.", D, &["russia assault poland mod:hypothetical"]),
    ("Will Turkey block Sweden's membership?", D, &["turkey rejection sweden mod:question"]),
    ("Hezbollah fired rockets at northern Israel.", D, &["hezbollah assault israel"]),
    ("Israel struck Hamas targets in Gaza.", D, &["israel assault hamas"]),
    ("The Houthis attacked ships in the Red Sea.", D, &[]),
    ("Pakistan accused India of backing the Pakistani Taliban.", D, &["india endorsement tehrik-i-taliban-pakistan by:pakistan", "pakistan disapproval india"]),
    ("Ethiopia and Egypt have argued over the dam for years. The two countries held talks in Cairo.", D, &["egypt consultation ethiopia", "egypt rift ethiopia"]),
    ("India and China clashed on the border. Both sides later agreed to pull back.", D, &["china intent_to_cooperate india", "china retreat india", "india war china"]),
    ("Putin met Xi in Beijing. He said Russia and China were strategic partners.", D, &["china consultation russia", "china partnership russia by:vladimir-putin"]),
    ("Iran and Saudi Arabia restored ties. The two rivals reopened their embassies.", D, &["iran cooperation saudi-arabia"]),
    ("\"We will defend Taiwan,\" Biden said.", D, &["united-states aid taiwan mod:future by:joe-biden"]),
    ("\"Russia is our enemy,\" the Ukrainian president said.", D, &["russia enmity ukraine by:volodymyr-zelensky"]),
    ("According to Israeli officials, Iran supplied missiles to Hezbollah.", D, &["iran arms_transfer hezbollah by:israel"]),
    ("\"We strongly condemn this aggression against Iran,\" Lavrov told reporters.", D, &[]),
    ("Russia, China and Iran held joint naval exercises.", D, &["china material_cooperation iran", "china material_cooperation russia", "iran material_cooperation russia"]),
    ("The United States and Britain struck Houthi targets in Yemen.", D, &["united-kingdom assault houthis", "united-states assault houthis"]),
    ("France and Germany condemned Russia.", D, &["france disapproval russia", "germany disapproval russia"]),
    ("China and Russia vetoed the resolution.", D, &[]),
    // More sentences naming states with no relation between them.
    ("Rice prices in Vietnam and Thailand hit a record high.", D, &[]),
    ("Earthquakes struck Turkey and Syria in February.", D, &[]),
    ("The Chinese yuan and the Indian rupee weakened on Friday.", D, &[]),
    ("Floods killed dozens in Pakistan and Afghanistan.", D, &[]),
    ("Tourism from Germany to Greece rose by ten percent.", D, &[]),
    ("Turkish and Greek fishermen share the same waters.", D, &[]),
    ("A Russian tanker sailed past Denmark on Tuesday.", D, &[]),
    ("Mexico and Canada reported strong growth in the first quarter.", D, &[]),
    // Rebels and the opposition are not their state; protesters roll up (the dev set's rule).
    ("Syrian rebels attacked Turkey.", D, &[]),
    ("The Venezuelan opposition urged the United States to impose sanctions.", D, &[]),
    ("Iranian protesters condemned the United States.", D, &["iran disapproval united-states"]),
    // The wordings the issue found missed or misread on real news: word sense ("ships" as a
    // noun), a venue's possessive, a shared agent noun, "tariffs on imports from".
    ("Chinese ships and aircraft were seen surrounding Taiwan on Monday.", D, &["china force_posture taiwan"]),
    ("Trump imposed 25 percent tariffs on imports from Canada.", D, &["united-states sanctions canada"]),
    ("Greek and Turkish leaders held a rare meeting in Athens.", D, &["greece consultation turkey"]),
    ("Ukrainian and Russian negotiators met in Türkiye's Istanbul.", D, &["russia consultation ukraine"]),
    ("Negotiations between Egypt and Ethiopia collapsed.", D, &["egypt consultation ethiopia"]),
    ("China staged military exercises around Taiwan.", D, &["china force_posture taiwan"]),
    ("The conflict between Armenia and Azerbaijan flared again.", D, &["armenia war azerbaijan"]),
    ("Israel's campaign against Hezbollah intensified.", D, &["israel war hezbollah"]),
    ("Turkey does not rule out military action against Syria.", D, &["turkey threat syria"]),
    // A statement someone rejects is denied, not the rejecter's claim.
    ("Iran rejected accusations that it had supplied drones to Russia.", D, &["iran NOT arms_transfer russia"]),
    ("Moscow dismissed claims that it had attacked Ukrainian ports.", D, &["russia NOT assault ukraine"]),
    ("China said attempts to blame Beijing for the cyberattack on Australia were unacceptable.", D, &[]),
    // Datelines and credits name no party; flips; a quotation continued.
    ("MOSCOW, June 22 (Reuters) - Russia condemned Israel on Sunday.", D, &["russia disapproval israel"]),
    ("BEIJING (AP) \u{2014} China criticised Japan over the Fukushima water release.", D, &["china disapproval japan"]),
    ("Putin and Erdogan at the Kremlin. Picture: Maxim Shemetov/Reuters", D, &[]),
    ("KYIV, Ukraine (AP) \u{2014} Ukraine accused Russia of shelling Kharkiv.", D, &["ukraine disapproval russia"]),
    ("Photo: AFP. Iran and Iraq signed a security pact.", D, &["iran agreement iraq"]),
    ("Japan and Germany both reported record exports in March.", D, &[]),
    ("The Iranian rial and the Russian rouble fell against the dollar.", D, &[]),
    ("Fans from Spain and Portugal celebrated in Lisbon.", D, &[]),
    ("Canada and Australia are both members of the Commonwealth.", D, &[]),
    ("Germany suspended arms exports to Saudi Arabia.", D, &["germany reduction saudi-arabia"]),
    ("The United States lifted sanctions on Syria.", D, &["united-states yield syria"]),
    ("Russia halted gas supplies to Poland.", D, &["russia reduction poland"]),
    ("Washington ended its military aid to Egypt.", D, &["united-states reduction egypt"]),
    ("\"Iran will respond to any aggression,\" Araghchi said. \"We will not attack Israel first.\"", D, &["iran NOT assault israel mod:future by:abbas-araghchi"]),
    // Inside a quotation, a speaker cue's subject is the speaker.
    ("“Washington's reckless actions will raise tensions,” the Russian foreign minister said.", D, &["russia disapproval united-states by:sergey-lavrov"]),
    ("“Beijing is stoking tensions,” the Philippine president said.", D, &["philippines disapproval china by:ferdinand-marcos-jr"]),
];

#[test]
fn relation_table() {
    assert!(CASES.len() >= 300, "the table has {} sentences", CASES.len());
    assert!(CASES.iter().filter(|c| c.2.is_empty()).count() >= 40, "and sentences that must give no claim");
    let mut failures = Vec::new();
    for (text, date, want) in CASES {
        let got = claims_of(text, *date);
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        want.sort();
        if got != want {
            failures.push(format!("{text}\n    want {want:?}\n    got  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} sentences differ:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

/// Each pairing rule on a sentence it decides: the claims it makes ("subject relation object",
/// each recording the rule), or, for a rule that decides the cue links nobody, the trace that
/// names it.
#[test]
fn pairing_rules_table() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, &[&str])] = &[
        ("mediator", "Qatar mediated between Israel and Iran.", &["qatar mediation israel", "qatar mediation iran"]),
        ("plural-possessive", "At Ashgabat, Pezeshkian suggested to Putin that the signing of their proposed strategic treaty should be speeded up.", &["masoud-pezeshkian agreement vladimir-putin"]),
        ("between", "Talks between Washington and Moscow collapsed.", &["russia consultation united-states"]),
        ("speaker-subject", "To quote Esmaeil Baghaei, \u{201c}This cowardly act entails international responsibility of the United States.\u{201d}", &["esmaeil-baghaei disapproval united-states"]),
        ("passive", "Iran was condemned by the United States.", &["united-states disapproval iran"]),
        ("patient-possessive", "Russia\u{2019}s killing of Ukrainian soldiers.", &[]),
        ("possessive-noun", "Belarus, Russia's closest ally, said nothing.", &["belarus alliance russia"]),
        ("subject-object", "Russia condemned Israel.", &["russia disapproval israel"]),
        ("group-before", "Russia and Iran have a complicated relationship.", &["iran rift russia"]),
        ("object-further-back", "Russia sent troops into Syria, where Turkey has been fighting.", &["turkey war syria"]),
        ("group-after", "A partnership of Russia and Iran worries the West.", &["iran partnership russia"]),
    ];
    let names: Vec<&str> = pairing_rules().map(|(name, _)| name).collect();
    assert_eq!(names, cases.iter().map(|c| c.0).collect::<Vec<_>>(), "one case per rule, in the order they are tried");
    let f = fixture();
    for (rule, text, want) in cases {
        let l = layout(text, &f.gaz.text);
        let mentions = f.tagger.tag(text, &l.paragraphs, Some("2024-10-13".parse().unwrap()));
        let mut trace = Vec::new();
        let claims = extract_traced(text, &l, &mentions, &f.gaz, &f.lex, Some(&mut trace));
        let id = |e: u32| f.gaz.entities[e as usize].id.as_str();
        let got: Vec<String> = claims.iter().map(|c| format!("{} {} {}", id(c.subject), f.lex.relations[c.relation].id, id(c.object))).collect();
        assert_eq!(got, *want, "{rule}: {text}");
        assert!(claims.iter().all(|c| c.pairing == *rule), "{rule}: {:?}", claims.iter().map(|c| c.pairing).collect::<Vec<_>>());
        if want.is_empty() {
            assert!(trace.iter().any(|(_, why)| why.contains(&format!("pairing rule {rule}:"))), "{rule}: {trace:?}");
        }
    }
}

/// The grammar's words and distances are data: changing them in `relations.toml` changes what
/// the rules do; a `[grammar]` without the newer keys takes them from the built-in lexicon; an
/// unknown key is an error naming the file and line.
#[test]
fn grammar_words_and_distances_come_from_the_data() {
    use super::lexicon::DEFAULT_RELATIONS;
    let f = fixture();
    let claims = |lex: &Lexicon, text: &str| -> Vec<String> {
        let l = layout(text, &f.gaz.text);
        let mentions = f.tagger.tag(text, &l.paragraphs, None);
        extract(text, &l, &mentions, &f.gaz, lex).iter().map(|c| lex.relations[c.relation].id.clone()).collect()
    };
    let far = "Russia, after many weeks of long and very tedious deliberation, condemned Israel.";
    let passive = "Iran was condemned by the United States.";
    let builtin = Lexicon::from_toml("relations.toml", DEFAULT_RELATIONS).unwrap();
    assert_eq!(claims(&builtin, far), ["disapproval"]);
    let near = Lexicon::from_toml("relations.toml", &DEFAULT_RELATIONS.replace("\nsubject = 12\n", "\nsubject = 3\n")).unwrap();
    assert_eq!(claims(&near, far), Vec::<String>::new(), "the subject is further than 3 words");
    // Without "by" as an agent marker the passive reads the other way round.
    let no_agent = Lexicon::from_toml("relations.toml", &DEFAULT_RELATIONS.replace("agent_markers = [\"by\"]", "agent_markers = []")).unwrap();
    let id = |lex: &Lexicon, text: &str| {
        let l = layout(text, &f.gaz.text);
        let m = f.tagger.tag(text, &l.paragraphs, None);
        extract(text, &l, &m, &f.gaz, lex).iter().map(|c| format!("{} {}", f.gaz.entities[c.subject as usize].id, c.pairing)).collect::<Vec<_>>()
    };
    assert_eq!(id(&builtin, passive), ["united-states passive"]);
    assert_ne!(id(&no_agent, passive), ["united-states passive"]);
    // An older grammar without the newer lists keeps the built-in ones.
    let start = DEFAULT_RELATIONS.find("[grammar]").unwrap();
    let old = format!("{}[grammar]\nnegators = [\"not\"]\n", &DEFAULT_RELATIONS[..start]);
    assert_eq!(claims(&Lexicon::from_toml("old.toml", &old).unwrap(), far), ["disapproval"]);
    let bad = format!("{}[grammar]\nnegatorz = [\"not\"]\n", &DEFAULT_RELATIONS[..start]);
    let line = bad[..start].lines().count() + 1;
    let e = Lexicon::from_toml("bad.toml", &bad).unwrap_err().to_string();
    assert!(e.starts_with(&format!("bad.toml:{line}:")) && e.contains("negatorz"), "{e}");
}

#[test]
fn every_relation_family_is_covered() {
    let f = fixture();
    let mut seen = std::collections::BTreeSet::new();
    for (_, _, want) in CASES {
        for w in *want {
            let rel = w.split_whitespace().find(|t| f.lex.relations.iter().any(|r| r.id == *t)).unwrap();
            seen.insert(rel.to_string());
        }
    }
    let roots: std::collections::BTreeSet<&str> = f.lex.relations.iter().map(|r| &r.cameo[..2]).collect();
    assert_eq!(roots.len(), 20, "every CAMEO root has a relation");
    let missing: Vec<&str> = f.lex.relations.iter().map(|r| r.id.as_str()).filter(|id| !seen.contains(*id)).collect();
    assert!(missing.len() <= 4, "relations without a sentence in the table: {missing:?}");
}

#[test]
fn cue_syntax_errors_name_the_line() {
    let bad = "[[relation]]\nid = \"x\"\ncameo = \"01\"\ngoldstein = 0.0\nquad = \"verbal_cooperation\"\npolarity = \"neutral\"\ncues = [\n  \"ok\",\n  \"(a|b\",\n]\n";
    let err = Lexicon::from_toml("r.toml", bad).unwrap_err().to_string();
    assert!(err.starts_with("r.toml:9: cue \"(a|b\""), "{err}");
    let bad = bad.replace("neutral", "friendly");
    let err = Lexicon::from_toml("r.toml", &bad).unwrap_err().to_string();
    assert!(err.contains("unknown polarity"), "{err}");
}

/// Seed sentences shuffled and spliced at random must never panic the extractor.
#[test]
fn spliced_text_never_panics() {
    let f = fixture();
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut words: Vec<String> = Vec::new();
    for e in std::fs::read_dir(seeds).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            words.extend(std::fs::read_to_string(p).unwrap().split(' ').map(String::from));
        }
    }
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..300 {
        let n = 5 + (next() % 60) as usize;
        let text: Vec<&str> = (0..n).map(|_| words[(next() % words.len() as u64) as usize].as_str()).collect();
        let text = text.join(" ");
        let l = layout(&text, &f.gaz.text);
        let mentions = f.tagger.tag(&text, &l.paragraphs, Some("2024-06-01".parse().unwrap()));
        for c in extract(&text, &l, &mentions, &f.gaz, &f.lex) {
            assert!(text.get(c.cue_span.clone()).is_some() && text.get(c.sentence.clone()).is_some());
        }
    }
}

/// Inputs the fuzzers crashed on (fuzz/regressions/), kept as regression tests.
#[test]
fn fuzz_regressions() {
    let f = fixture();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let l = layout(&text, &f.gaz.text);
        let mentions = f.tagger.tag(&text, &l.paragraphs, Some("2024-06-01".parse().unwrap()));
        let _ = extract(&text, &l, &mentions, &f.gaz, &f.lex);
    }
}

/// The tokenizer as first written (a `Vec` of chars, a `String` per word): the reference the
/// byte-walking [`tokenize`] must agree with.
fn reference_tokenize(text: &str, span: Range<usize>) -> Vec<(usize, usize, String)> {
    let s = &text[span.clone()];
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_word_char(chars[i].1) && chars[i].1 != '&' {
            i += 1;
            continue;
        }
        let start = i;
        if chars[i].1 == '&' {
            i += 1;
        } else {
            while i < chars.len() {
                let c = chars[i].1;
                let inner = matches!(c, '\'' | '\u{2019}' | '-' | '.')
                    && i + 1 < chars.len()
                    && is_word_char(chars[i + 1].1)
                    && (c != '.' || (chars[i + 1].1.is_uppercase() && chars[i - 1].1.is_uppercase()));
                if is_word_char(c) || (inner && i > start) {
                    i += 1;
                } else {
                    break;
                }
            }
        }
        let a = span.start + chars[start].0;
        let b = span.start + chars.get(i).map_or(s.len(), |&(o, _)| o);
        let raw = &text[a..b];
        let word = if raw.is_ascii() { raw.to_ascii_lowercase() } else { raw.to_lowercase().replace('\u{2019}', "'") };
        out.push((a, b, word));
    }
    out
}

/// Every word of the grammar and the cues has one id, not 0; phrases and cue parts hold their
/// words' ids; a token gets its word's id, 0 for a word of no rule.
#[test]
fn word_ids_name_every_word_once() {
    let lex = &fixture().lex;
    let words = &lex.grammar.words;
    let ids: std::collections::HashSet<u32> = words.values().map(|&(_, id)| id).collect();
    assert_eq!(ids.len(), words.len());
    assert!(!ids.contains(&0));
    for p in lex.grammar.phrase_lists() {
        assert_eq!(p.ids.len(), p.list.len());
        for (phrase, ids) in p.list.iter().zip(&p.ids) {
            assert_eq!(ids, &phrase.iter().map(|w| words[w].1).collect::<Vec<_>>());
        }
        let mut by_first: HashMap<&str, Vec<usize>> = HashMap::default();
        for (k, w) in p.first_words().enumerate() {
            by_first.entry(w).or_default().push(k);
        }
        assert_eq!(p.by_first_id.len(), by_first.len());
        for (w, k) in &by_first {
            assert_eq!(&p.by_first_id[&words[*w].1], k);
        }
    }
    let mut any = 0;
    for c in &lex.cues {
        for part in &c.parts {
            if let Part::Any(ws, ids) = part {
                assert_eq!(ids, &ws.iter().map(|w| words[w].1).collect::<Vec<_>>(), "{}", c.text);
                any += 1;
            }
        }
    }
    assert!(any > 100);
    let text = "They said xyzzy";
    let tokens = lex.tokens(text, 0..text.len());
    assert_eq!(tokens[1].id, words["said"].1);
    assert_eq!(tokens[2].id, 0);
}

/// Quotations of a paragraph, as the text they cover.
#[test]
fn quotation_table() {
    let cases: &[(&str, &[&str])] = &[
        ("no quotation at all – just a dash’s apostrophe", &[]),
        ("He said “we are friends” and left.", &["“we are friends”"]),
        ("He said \"we are friends\" and \"partners\".", &["\"we are friends\"", "\"partners\""]),
        ("closes one opened before” and then “opens one", &["closes one opened before”", "“opens one"]),
        ("“nested \"straight\" inside”", &["\"straight\"", "“nested \"straight\" inside”"]),
        ("“first” and ” a stray closer", &["“first”"]),
        ("an unclosed \"straight one", &["\"straight one"]),
        ("dashes — and ‘single’ quotes … are not quotations", &[]),
    ];
    for (p, want) in cases {
        let got: Vec<&str> = quotation_spans(p, 0).into_iter().map(|r| &p[r]).collect();
        assert_eq!(&got, want, "{p}");
        // Spans are offsets into the text: a paragraph at byte 7 gives the same spans, 7 on.
        let shifted: Vec<Range<usize>> = quotation_spans(p, 0).into_iter().map(|r| r.start + 7..r.end + 7).collect();
        assert_eq!(quotation_spans(p, 7), shifted, "{p}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    /// The tokenizer agrees with the reference on text made of the characters that steer it
    /// (inner apostrophes, hyphens, initials' dots, `&`, combining marks, non-ASCII case).
    #[test]
    fn tokenize_matches_reference(text in "[aZé É'’.\\-&_0-9\u{301}İß,;x]{0,40}", cut in 0usize..4) {
        let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let from = starts[cut.min(starts.len() - 1)];
        let got: Vec<(usize, usize, String)> =
            tokenize(&text, from..text.len()).into_iter().map(|t| (t.start, t.end, t.word.into_string())).collect();
        proptest::prop_assert_eq!(got, reference_tokenize(&text, from..text.len()));
    }

    /// The shared-word count of two sorted lists equals the size of the sets' intersection.
    #[test]
    fn common_count_is_set_intersection(a in proptest::collection::btree_set("[a-e]{1,2}", 0..12), b in proptest::collection::btree_set("[a-e]{1,2}", 0..12)) {
        let (x, y): (Vec<CompactString>, Vec<CompactString>) =
            (a.iter().map(|w| CompactString::from(w.as_str())).collect(), b.iter().map(|w| CompactString::from(w.as_str())).collect());
        proptest::prop_assert_eq!(common_count(&x, &y, |w| w.clone()), a.intersection(&b).count());
    }
}

/// Words longer than the inline 24 bytes, and at exactly 24, agree with the reference too.
#[test]
fn tokenize_long_words() {
    for text in
        ["Supercalifragilisticexpialidocious-ABC met O'Neill.", "ABCDEFGHIJKLMNOPQRSTUVWX abcdefghijklmnopqrstuvwxy Zürichbergstrassenverkehrsamt’s U.S.A. A.B"]
    {
        let got: Vec<(usize, usize, String)> = tokenize(text, 0..text.len()).into_iter().map(|t| (t.start, t.end, t.word.into_string())).collect();
        assert_eq!(got, reference_tokenize(text, 0..text.len()), "{text}");
    }
}

/// The kind of agent an agent noun names is kept on each side of a claim, from the data.
#[test]
fn agent_kinds_are_kept() {
    let f = fixture();
    #[rustfmt::skip]
    let cases: &[(&str, Option<AgentKind>, Option<AgentKind>)] = &[
        ("Israeli troops killed Lebanese soldiers.", Some(AgentKind::Military), Some(AgentKind::Military)),
        ("Chinese coast guard ships harassed a Philippine vessel.", Some(AgentKind::Police), Some(AgentKind::Military)),
        ("Turkish diplomats protested to Greece.", Some(AgentKind::Diplomats), None),
        ("Iranian protesters condemned the United States.", Some(AgentKind::People), None),
        ("Russia condemned Israel.", None, None),
    ];
    for (text, s, o) in cases {
        let l = layout(text, &f.gaz.text);
        let mentions = f.tagger.tag(text, &l.paragraphs, None);
        let claims = extract(text, &l, &mentions, &f.gaz, &f.lex);
        assert_eq!(claims.len(), 1, "{text}");
        assert_eq!((claims[0].subject_agent, claims[0].object_agent), (*s, *o), "{text}");
    }
}
