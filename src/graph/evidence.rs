//! Every claim, whole, in a temporary file: the graph keeps a small record per claim.

use crate::error::{Error, Result};
use crate::relations::{AgentKind, Claim, Modality};

use super::ClaimRecord;

/// Every claim, whole (actors, relation, cue, modality, speaker, spans, sentence and cue
/// text), in an unnamed temporary file (deleted by the system when the process ends, however
/// it ends) rather than in memory: a claim-dense corpus has about one claim per 200 bytes of
/// text, and the graph must not grow with the corpus. The graph keeps a small [`ClaimRecord`]
/// per claim with the record's place in this file.
#[derive(Debug, Default)]
pub struct Evidence {
    pub(super) file: Option<std::fs::File>,
    pub(super) buffer: Vec<u8>,
    pub(super) written: u64,
    /// A window of the file read ahead: claims are mostly read back in the order they were
    /// written (copy detection, `graph.json`), so one read serves hundreds of them.
    pub(super) window: std::sync::Mutex<ReadAhead>,
}

/// A window of the evidence file read ahead, for a reader that goes through claims in order.
#[derive(Debug, Default)]
pub struct ReadAhead {
    pub(super) start: u64,
    pub(super) bytes: Vec<u8>,
}

/// The fixed part of a claim's record: actors, relation, cue, denial, modality, speaker, the
/// four spans, the pairing rule, the confidence, the two agent kinds, and the lengths of the
/// two texts that follow.
pub(super) const HEADER: usize = 4 * 4 + 1 + 1 + 4 + 8 * 8 + 1 + 1 + 2 + 4 + 4;
pub(super) const MODALITIES: [Modality; 4] = [Modality::Asserted, Modality::Future, Modality::Hypothetical, Modality::Question];

impl Evidence {
    const FLUSH_AT: usize = 1 << 20;
    const WINDOW: usize = 1 << 18;

    pub(super) fn push(&mut self, c: &Claim, sentence: &str, cue: &str) -> Result<u64> {
        let at = self.written + self.buffer.len() as u64;
        let b = &mut self.buffer;
        for v in [c.subject, c.object, c.relation as u32, c.cue as u32] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.push(u8::from(c.negated));
        b.push(MODALITIES.iter().position(|m| *m == c.modality).unwrap_or(0) as u8);
        b.extend_from_slice(&c.speaker.unwrap_or(u32::MAX).to_le_bytes());
        for r in [&c.sentence, &c.subject_span, &c.object_span, &c.cue_span] {
            b.extend_from_slice(&(r.start as u64).to_le_bytes());
            b.extend_from_slice(&(r.end as u64).to_le_bytes());
        }
        b.push(crate::relations::pairing_rules().position(|(name, _)| name == c.pairing).ok_or_else(|| damaged("a pairing rule"))? as u8);
        b.push(c.confidence);
        for a in [c.subject_agent, c.object_agent] {
            b.push(a.map_or(0, |k| AgentKind::ALL.iter().position(|x| *x == k).unwrap_or(0) as u8 + 1));
        }
        b.extend_from_slice(&len32(sentence)?.to_le_bytes());
        b.extend_from_slice(&len32(cue)?.to_le_bytes());
        b.extend_from_slice(sentence.as_bytes());
        b.extend_from_slice(cue.as_bytes());
        if self.buffer.len() >= Self::FLUSH_AT {
            self.flush()?;
        }
        Ok(at)
    }

    pub(super) fn flush(&mut self) -> Result<()> {
        use std::io::Write;
        if self.buffer.is_empty() {
            return Ok(());
        }
        if self.file.is_none() {
            let f =
                tempfile::tempfile().map_err(|e| Error::output(&std::env::temp_dir(), format!("cannot create a temporary file for claim evidence: {e}")))?;
            self.file = Some(f);
        }
        let file = self.file.as_mut().expect("created above");
        file.write_all(&self.buffer).map_err(|e| Error::output(&std::env::temp_dir(), format!("cannot write claim evidence: {e}")))?;
        self.written += self.buffer.len() as u64;
        self.buffer.clear();
        Ok(())
    }

    /// `n` bytes at `at`, from the buffer or the file, through the window `w`: borrowed from
    /// the one or the other.
    pub(super) fn slice_with<'a>(&'a self, at: u64, n: usize, w: &'a mut ReadAhead) -> Result<&'a [u8]> {
        if at >= self.written {
            let from = (at - self.written) as usize;
            return self.buffer.get(from..from + n).ok_or_else(|| damaged("a record beyond the end"));
        }
        let io = |e: std::io::Error| Error::input(std::env::temp_dir().display(), format!("cannot read claim evidence back: {e}"));
        let file = self.file.as_ref().ok_or_else(|| io(std::io::ErrorKind::NotFound.into()))?;
        let end = at.checked_add(n as u64).filter(|&e| e <= self.written).ok_or_else(|| damaged("a record beyond the end"))?;
        if at < w.start || end > w.start + w.bytes.len() as u64 {
            // Refill from `at`: the window's size, or the record's if it is larger.
            let len = (self.written - at).min(n.max(Self::WINDOW) as u64) as usize;
            w.bytes.resize(len, 0);
            read_exact_at(file, &mut w.bytes, at).map_err(io)?;
            w.start = at;
        }
        let from = (at - w.start) as usize;
        Ok(&w.bytes[from..from + n])
    }

    /// The claim stored at `at`, with its sentence and cue text.
    pub(super) fn read(&self, at: u64) -> Result<(Claim, String, String)> {
        let mut w = self.window.lock().unwrap_or_else(|p| p.into_inner());
        let (claim, sentence, cue) = self.read_ref(at, &mut w)?;
        Ok((claim, sentence.to_string(), cue.to_string()))
    }

    /// [`Evidence::read`] through the window `w`, the texts borrowed from it (or the buffer).
    pub(super) fn read_ref<'a>(&'a self, at: u64, w: &'a mut ReadAhead) -> Result<(Claim, &'a str, &'a str)> {
        let (claim, ls, lc) = self.read_header_with(at, w)?;
        let text = self.slice_with(at + HEADER as u64, ls + lc, w)?;
        let (sentence, cue) = text.split_at(ls);
        let utf8 = |b| std::str::from_utf8(b).map_err(|_| damaged("text"));
        Ok((claim, utf8(sentence)?, utf8(cue)?))
    }

    /// The claim stored at `at`, and the lengths of its sentence and cue text.
    pub(super) fn read_header(&self, at: u64) -> Result<(Claim, usize, usize)> {
        let mut w = self.window.lock().unwrap_or_else(|p| p.into_inner());
        self.read_header_with(at, &mut w)
    }

    pub(super) fn read_header_with(&self, at: u64, w: &mut ReadAhead) -> Result<(Claim, usize, usize)> {
        let h = self.slice_with(at, HEADER, w)?;
        let u32_at = |i: usize| u32::from_le_bytes(h[i..i + 4].try_into().expect("four bytes"));
        let u64_at = |i: usize| u64::from_le_bytes(h[i..i + 8].try_into().expect("eight bytes")) as usize;
        let span = |k: usize| u64_at(22 + 16 * k)..u64_at(30 + 16 * k);
        let speaker = u32_at(18);
        let agent = |b: u8| -> Result<Option<AgentKind>> {
            if b == 0 { Ok(None) } else { AgentKind::ALL.get(usize::from(b) - 1).copied().map(Some).ok_or_else(|| damaged("an agent kind")) }
        };
        let claim = Claim {
            subject: u32_at(0),
            object: u32_at(4),
            relation: u32_at(8) as usize,
            cue: u32_at(12) as usize,
            negated: h[16] != 0,
            modality: *MODALITIES.get(h[17] as usize).ok_or_else(|| damaged("a modality"))?,
            speaker: (speaker != u32::MAX).then_some(speaker),
            sentence: span(0),
            subject_span: span(1),
            object_span: span(2),
            cue_span: span(3),
            pairing: crate::relations::pairing_rules().nth(usize::from(h[86])).ok_or_else(|| damaged("a pairing rule"))?.0,
            confidence: h[87],
            subject_agent: agent(h[88])?,
            object_agent: agent(h[89])?,
        };
        Ok((claim, u32_at(HEADER - 8) as usize, u32_at(HEADER - 4) as usize))
    }

    /// A claim of the graph, whole: the claim, its sentence and its cue text.
    pub fn claim(&self, r: &ClaimRecord) -> Result<(Claim, String, String)> {
        self.read(r.at)
    }

    /// [`Evidence::claim`] through a reader's own window, the sentence and cue borrowed from
    /// it: for readers in parallel, each going through its share of the claims in order.
    pub fn claim_ref<'a>(&'a self, r: &ClaimRecord, ahead: &'a mut ReadAhead) -> Result<(Claim, &'a str, &'a str)> {
        self.read_ref(r.at, ahead)
    }

    /// A claim of the graph without its text.
    pub fn claim_only(&self, r: &ClaimRecord) -> Result<Claim> {
        Ok(self.read_header(r.at)?.0)
    }
}

/// A positional read, which leaves the file's cursor alone.
#[cfg(unix)]
pub(super) fn read_exact_at(f: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, at)
}

#[cfg(windows)]
pub(super) fn read_exact_at(f: &std::fs::File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match f.seek_read(buf, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            k => {
                buf = &mut buf[k..];
                at += k as u64;
            }
        }
    }
    Ok(())
}

pub(super) fn damaged(what: &str) -> Error {
    Error::input(std::env::temp_dir().display(), format!("claim evidence is damaged ({what})"))
}

pub(super) fn len32(s: &str) -> Result<u32> {
    u32::try_from(s.len()).map_err(|_| Error::input("claim", "a claim's sentence is longer than 4 GiB"))
}
