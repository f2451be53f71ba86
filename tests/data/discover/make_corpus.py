#!/usr/bin/env python3
"""Writes the discovery test corpus (corpus.jsonl) and its gold (gold.json): 33 short
wire-style articles naming 11 actors that tests hide from the gazetteer, each in three
articles, in the ways news names them (title before the name, possessive state, surname
alone later, apposition, quotes), among distractors: sentence-initial words, headline case,
months and weekdays, known actors, and two unknown names that are not actors (an event and a
place) recurring across articles. Run it again only to change the corpus; the files are
committed."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# id, name, type, state: what a person would write into the gazetteer.
HIDDEN = [
    ("lai-ching-te", "Lai Ching-te", "person", "taiwan"),
    ("kyriakos-mitsotakis", "Kyriakos Mitsotakis", "person", "greece"),
    ("nicolas-maduro", "Nicolas Maduro", "person", "venezuela"),
    ("asim-munir", "Asim Munir", "person", "pakistan"),
    ("ferdinand-marcos-jr", "Ferdinand Marcos Jr.", "person", "philippines"),
    ("vladimir-medinsky", "Vladimir Medinsky", "person", "russia"),
    ("ali-shamkhani", "Ali Shamkhani", "person", "iran"),
    ("jaish-e-mohammed", "Jaish-e-Mohammed", "armed_group", "pakistan"),
    ("lashkar-e-taiba", "Lashkar-e-Taiba", "armed_group", "pakistan"),
    ("tren-de-aragua", "Tren de Aragua", "armed_group", "venezuela"),
    ("ministry-of-commerce", "Ministry of Commerce", "organisation", "china"),
]

ARTICLES = [
    # Lai Ching-te
    ("Taiwan Leader Vows To Defend Island", "2025-03-14", "Taiwan's president Lai Ching-te said on Friday that the island would strengthen its defences after China staged military drills near its coast. Lai told reporters in Taipei that Beijing's pressure would not change Taiwan's course. Meanwhile, officials in Washington urged restraint."),
    ("Beijing Condemns Taipei Speech", "2025-05-20", "China condemned a speech by Lai Ching-te on Tuesday, calling the Taiwanese leader a separatist. The Chinese foreign ministry said Lai was provoking confrontation. Markets in Hong Kong fell slightly in May."),
    ("Drills Around Taiwan", "2025-10-10", "Chinese warships surrounded Taiwan on Thursday, days after President Lai Ching-te praised Japan for its support. Analysts said the drills were the largest since the Lunar New Year."),
    # Mitsotakis
    ("Greece And Turkey Hold Talks", "2025-02-03", "Greek Prime Minister Kyriakos Mitsotakis met Turkey's president in Ankara on Monday. Mitsotakis said the two countries would cooperate on migration. However, disputes over the Aegean remain."),
    ("Athens Signs Defence Deal", "2025-06-18", "Kyriakos Mitsotakis signed a defence agreement with France on Wednesday. The Greek prime minister said the deal would deepen ties with Paris. Critics in Athens called it costly."),
    ("Mitsotakis Visits Cyprus", "2025-09-01", "Prime Minister Kyriakos Mitsotakis visited Cyprus in September and pledged support for talks with Turkey. Mitsotakis criticised Turkey over its naval patrols."),
    # Maduro
    ("Venezuela Expels Diplomats", "2025-01-22", "Venezuelan President Nicolas Maduro expelled diplomats from Argentina on Wednesday. Maduro accused Argentina of meddling in the election. The United States condemned the move."),
    ("Caracas Rally", "2025-04-09", "Thousands rallied in Caracas on Saturday in support of Nicolas Maduro. Officials said Maduro would meet Russia's ambassador next week. Russia praised Venezuela for its resistance to sanctions."),
    ("Sanctions On Caracas", "2025-08-30", "The United States imposed new sanctions on allies of Nicolas Maduro on Friday. Washington accused Maduro of rigging the vote. Brazil urged dialogue."),
    # Asim Munir
    ("Pakistan Army Chief In Washington", "2025-06-19", "Pakistani army chief Asim Munir met officials in Washington on Wednesday. Munir said Pakistan wanted closer ties with the United States. India criticised the visit."),
    ("Field Marshal Named", "2025-05-21", "Pakistan promoted General Asim Munir to field marshal after the clashes with India. Munir thanked the troops. Islamabad accused India of aggression."),
    ("Munir Warns India", "2025-08-11", "Asim Munir warned India on Monday against any attack, Pakistani officials said. The army chief spoke in Tampa. India condemned the remarks."),
    # Marcos
    ("Manila And Washington Expand Drills", "2025-04-21", "Philippine President Ferdinand Marcos Jr. said on Monday that the Philippines would expand joint exercises with the United States. Marcos accused China of harassing fishermen."),
    ("South China Sea Standoff", "2025-07-07", "China accused the Philippines of provocations at Scarborough Shoal. Ferdinand Marcos Jr. rejected the claim and said Manila would defend its waters. Japan supported the Philippines."),
    ("Marcos In Tokyo", "2025-11-14", "Ferdinand Marcos Jr. signed a defence pact with Japan in Tokyo on Friday. Marcos said the pact would strengthen deterrence. Reporters noted the Lunar New Year visit had been postponed."),
    # Medinsky
    ("Istanbul Talks Open", "2025-05-16", "Russian negotiator Vladimir Medinsky led Russia's delegation at talks with Ukraine in Istanbul on Friday. Medinsky said Russia was ready for a long war. Ukraine rejected the terms."),
    ("Second Round In Istanbul", "2025-06-02", "Vladimir Medinsky handed Ukraine a memorandum on Monday, Russian officials said. Medinsky, an aide to the Kremlin, called the talks useful. Turkey hosted the meeting."),
    ("Prisoner Exchange Agreed", "2025-07-23", "Russia and Ukraine agreed a prisoner exchange, Vladimir Medinsky said on Wednesday. Medinsky accused Ukraine of delaying the talks."),
    # Shamkhani
    ("Iranian Adviser Rejects Demands", "2025-04-14", "Ali Shamkhani, an adviser to Iran's supreme leader, rejected American demands on Monday. Shamkhani said Iran would not give up enrichment. The United States warned Iran."),
    ("Shamkhani On Talks", "2025-05-12", "Iranian adviser Ali Shamkhani said Iran was ready for a deal with the United States if sanctions were lifted. Shamkhani spoke to Iranian state television on Sunday."),
    ("Strikes In Tehran", "2025-06-13", "Israel struck Tehran on Friday, and Iranian media said Ali Shamkhani was wounded. Shamkhani survived the attack, officials said later. Iran condemned Israel."),
    # Jaish-e-Mohammed
    ("India Blames Militants", "2025-04-24", "India blamed Jaish-e-Mohammed militants for the attack in Kashmir on Tuesday. Officials said the group was based in Pakistan. Pakistan denied any role."),
    ("Strikes On Camps", "2025-05-07", "India struck camps of Jaish-e-Mohammed in Pakistan on Wednesday. Islamabad condemned the strikes and vowed to respond. China urged restraint."),
    ("Militant Leader Named", "2025-09-15", "A commander of Jaish-e-Mohammed admitted losses in the Indian strikes, Indian media reported. The group has threatened India before."),
    # Lashkar-e-Taiba
    ("Kashmir Attack Probe", "2025-04-26", "Indian investigators said Lashkar-e-Taiba militants planned the attack. India accused Pakistan of sheltering the group. Pakistan rejected the accusation."),
    ("United States Lists Front Group", "2025-07-18", "The United States designated a front of Lashkar-e-Taiba as a terrorist organisation on Thursday. India welcomed the decision."),
    ("Arrests In Mumbai", "2025-10-02", "Police in Mumbai arrested two men linked to Lashkar-e-Taiba militants on Thursday. Officials said they had trained in Pakistan."),
    # Tren de Aragua
    ("Gang Designated", "2025-02-20", "The United States designated Tren de Aragua, a Venezuelan gang, as a terrorist organisation. Washington accused Venezuela of exporting crime. Venezuela rejected the move."),
    ("Deportations To El Salvador", "2025-03-16", "The United States deported alleged members of Tren de Aragua to El Salvador on Sunday. Venezuela condemned the deportations."),
    ("Chile Arrests Gang Members", "2025-08-05", "Chile arrested twenty members of Tren de Aragua on Tuesday, prosecutors said. Colombia and Peru cooperated with Chile in the investigation."),
    # Ministry of Commerce
    ("Export Controls Announced", "2025-04-04", "China's Ministry of Commerce announced export controls on rare earths on Friday. The United States criticised the decision. Japan voiced concern."),
    ("Beijing Hits Back", "2025-10-09", "China's Ministry of Commerce accused the United States of bullying and imposed new tariffs. Washington condemned the measures on Thursday."),
    ("Trade Talks In Geneva", "2025-05-11", "China's Ministry of Commerce said talks with the United States in Geneva were constructive. The European Union welcomed the truce."),
]


def main():
    with open(os.path.join(HERE, "corpus.jsonl"), "w", encoding="utf-8") as f:
        for i, (title, date, body) in enumerate(ARTICLES):
            rec = {"id": f"n{i:02d}", "title": title, "outlet": "Test Wire", "published": date, "text": f"{title}\n\n{body}"}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    gold = [{"id": i, "name": n, "type": t, "affiliation": a} for i, n, t, a in HIDDEN]
    with open(os.path.join(HERE, "gold.json"), "w", encoding="utf-8") as f:
        json.dump({"hidden": gold}, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
