//! What Japanese keyboards type that means the same as what the desk reads: full-width
//! letters, digits and signs (`ａ１＠`) are the ASCII ones, and half-width katakana (`ﾔﾏﾀﾞ`)
//! is the ordinary katakana (`ヤマダ`), its sound marks joined to the letter before them.

/// Full-width ASCII (U+FF01 to U+FF5E) and the ideographic space, as ASCII.
pub fn ascii(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            other => other,
        })
        .collect()
}

/// As [`ascii`], with the dashes typed between digits (`ー`, `－`, `‐`, `−`) as hyphens: for
/// numbers, dates and codes only, never for names, where `ー` is a long vowel.
pub fn numeric(raw: &str) -> String {
    ascii(raw)
        .chars()
        .map(|c| match c {
            'ー' | '‐' | '−' | '–' => '-',
            other => other,
        })
        .collect()
}

/// Half-width katakana from U+FF61 to U+FF9D, in order, as ordinary characters.
const HALF_KANA: &str = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";

/// Half-width katakana as ordinary katakana, with `ﾞ` and `ﾟ` joined to the letter before.
pub fn kana(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\u{FF61}'..='\u{FF9D}' => {
                let index = (c as u32 - 0xFF61) as usize;
                out.extend(HALF_KANA.chars().nth(index));
            }
            '\u{FF9E}' | '\u{FF9F}' => {
                let voiced = c == '\u{FF9E}';
                let joined = out.chars().last().and_then(|last| marked(last, voiced));
                match joined {
                    Some(with_mark) => {
                        out.pop();
                        out.push(with_mark);
                    }
                    None => out.push(if voiced { '゛' } else { '゜' }),
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The letter with its sound mark, when it takes one: `カ` + `ﾞ` is `ガ`, `ハ` + `ﾟ` is `パ`.
fn marked(letter: char, voiced: bool) -> Option<char> {
    let code = letter as u32;
    let ka_to = 'カ' as u32..='ト' as u32;
    let ha_ho = 'ハ' as u32..='ホ' as u32;
    // From カ to ト the voiceable letters sit on every other code point (with ッ between
    // チ and ツ shifting the rest by one), and each voiced form follows its letter.
    let voiceable_k_t = ka_to.contains(&code) && {
        let from_ka = code - 'カ' as u32;
        if code < 'ッ' as u32 {
            from_ka.is_multiple_of(2)
        } else {
            !from_ka.is_multiple_of(2)
        }
    };
    // ハ ヒ フ ヘ ホ sit three apart: ハ バ パ ヒ ビ ピ …
    let ha_row = ha_ho.contains(&code) && (code - 'ハ' as u32).is_multiple_of(3);
    match (voiced, letter) {
        (true, 'ウ') => Some('ヴ'),
        (true, _) if voiceable_k_t || ha_row => char::from_u32(code + 1),
        (false, _) if ha_row => char::from_u32(code + 2),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_ascii_is_ascii() {
        assert_eq!(
            ascii("ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ"),
            "hanako@example.jp"
        );
        assert_eq!(ascii("０３　１２３４"), "03 1234");
        assert_eq!(ascii("ヤマダ"), "ヤマダ", "names are left alone");
    }

    #[test]
    fn dashes_between_digits_are_hyphens_only_for_numbers() {
        assert_eq!(numeric("０３ー１２３４－５６７８"), "03-1234-5678");
        assert_eq!(numeric("Ｒ－４ＱＸＤ"), "R-4QXD");
    }

    #[test]
    fn half_width_katakana_is_ordinary_katakana() {
        assert_eq!(kana("ﾔﾏﾀﾞ ﾊﾅｺ"), "ヤマダ ハナコ");
        assert_eq!(kana("ｻﾄｳ ﾕﾐ"), "サトウ ユミ");
        assert_eq!(kana("ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ"), "パピプペポ");
        assert_eq!(kana("ｶﾞｷﾞｸﾞｹﾞｺﾞｻﾞｼﾞｽﾞｾﾞｿﾞ"), "ガギグゲゴザジズゼゾ");
        assert_eq!(kana("ﾀﾞﾁﾞﾂﾞﾃﾞﾄﾞﾊﾞﾋﾞﾌﾞﾍﾞﾎﾞｳﾞ"), "ダヂヅデドバビブベボヴ");
        assert_eq!(kana("ｰｯｬ･"), "ーッャ・");
        assert_eq!(
            kana("ﾏﾞ"),
            "マ゛",
            "a mark on a letter that takes none stays a mark"
        );
        assert_eq!(kana("やまだ"), "やまだ");
    }
}
