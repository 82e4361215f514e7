//! OpenCC 1.4.2's built-in configurations (`data/opencc/config/*.json`)
//! and dictionaries (`data/opencc/*.txt`), as Rust data.
//!
//! `tests` checks these tables against the JSON files.

/// One of the embedded dictionary files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DictId {
    CJKCompatibilityIdeographs,
    HKPhrases,
    HKPhrasesRev,
    HKVariants,
    HKVariantsPhrases,
    HKVariantsRev,
    HKVariantsRevPhrases,
    JPShinjitaiCharacters,
    JPShinjitaiCharactersRev,
    JPShinjitaiPhrases,
    STCharacters,
    STPhrases,
    STPhrasesGeneratedFromRegionalPhrases,
    TSCharacters,
    TSCharactersExt,
    TSPhrases,
    TWPhrases,
    TWPhrasesRev,
    TWVariants,
    TWVariantsPhrases,
    TWVariantsRev,
    TWVariantsRevPhrases,
}

pub(super) const DICT_COUNT: usize = 22;

/// Every dictionary, in [`DictId`] order.
pub(super) const DICT_IDS: [DictId; DICT_COUNT] = [
    DictId::CJKCompatibilityIdeographs,
    DictId::HKPhrases,
    DictId::HKPhrasesRev,
    DictId::HKVariants,
    DictId::HKVariantsPhrases,
    DictId::HKVariantsRev,
    DictId::HKVariantsRevPhrases,
    DictId::JPShinjitaiCharacters,
    DictId::JPShinjitaiCharactersRev,
    DictId::JPShinjitaiPhrases,
    DictId::STCharacters,
    DictId::STPhrases,
    DictId::STPhrasesGeneratedFromRegionalPhrases,
    DictId::TSCharacters,
    DictId::TSCharactersExt,
    DictId::TSPhrases,
    DictId::TWPhrases,
    DictId::TWPhrasesRev,
    DictId::TWVariants,
    DictId::TWVariantsPhrases,
    DictId::TWVariantsRev,
    DictId::TWVariantsRevPhrases,
];

/// File name (without `.txt`) of each dictionary, in [`DictId`] order.
pub(super) const DICT_NAMES: [&str; DICT_COUNT] = [
    "CJK_Compatibility_Ideographs",
    "HKPhrases",
    "HKPhrasesRev",
    "HKVariants",
    "HKVariantsPhrases",
    "HKVariantsRev",
    "HKVariantsRevPhrases",
    "JPShinjitaiCharacters",
    "JPShinjitaiCharactersRev",
    "JPShinjitaiPhrases",
    "STCharacters",
    "STPhrases",
    "STPhrases_GeneratedFromRegionalPhrases",
    "TSCharacters",
    "TSCharactersExt",
    "TSPhrases",
    "TWPhrases",
    "TWPhrasesRev",
    "TWVariants",
    "TWVariantsPhrases",
    "TWVariantsRev",
    "TWVariantsRevPhrases",
];

/// The text of a dictionary file.
pub(super) fn dict_text(id: DictId) -> &'static str {
    match id {
        DictId::CJKCompatibilityIdeographs => include_str!("../../data/opencc/CJK_Compatibility_Ideographs.txt"),
        DictId::HKPhrases => include_str!("../../data/opencc/HKPhrases.txt"),
        DictId::HKPhrasesRev => include_str!("../../data/opencc/HKPhrasesRev.txt"),
        DictId::HKVariants => include_str!("../../data/opencc/HKVariants.txt"),
        DictId::HKVariantsPhrases => include_str!("../../data/opencc/HKVariantsPhrases.txt"),
        DictId::HKVariantsRev => include_str!("../../data/opencc/HKVariantsRev.txt"),
        DictId::HKVariantsRevPhrases => include_str!("../../data/opencc/HKVariantsRevPhrases.txt"),
        DictId::JPShinjitaiCharacters => include_str!("../../data/opencc/JPShinjitaiCharacters.txt"),
        DictId::JPShinjitaiCharactersRev => include_str!("../../data/opencc/JPShinjitaiCharactersRev.txt"),
        DictId::JPShinjitaiPhrases => include_str!("../../data/opencc/JPShinjitaiPhrases.txt"),
        DictId::STCharacters => include_str!("../../data/opencc/STCharacters.txt"),
        DictId::STPhrases => include_str!("../../data/opencc/STPhrases.txt"),
        DictId::STPhrasesGeneratedFromRegionalPhrases => {
            include_str!("../../data/opencc/STPhrases_GeneratedFromRegionalPhrases.txt")
        }
        DictId::TSCharacters => include_str!("../../data/opencc/TSCharacters.txt"),
        DictId::TSCharactersExt => include_str!("../../data/opencc/TSCharactersExt.txt"),
        DictId::TSPhrases => include_str!("../../data/opencc/TSPhrases.txt"),
        DictId::TWPhrases => include_str!("../../data/opencc/TWPhrases.txt"),
        DictId::TWPhrasesRev => include_str!("../../data/opencc/TWPhrasesRev.txt"),
        DictId::TWVariants => include_str!("../../data/opencc/TWVariants.txt"),
        DictId::TWVariantsPhrases => include_str!("../../data/opencc/TWVariantsPhrases.txt"),
        DictId::TWVariantsRev => include_str!("../../data/opencc/TWVariantsRev.txt"),
        DictId::TWVariantsRevPhrases => include_str!("../../data/opencc/TWVariantsRevPhrases.txt"),
    }
}

/// A dictionary as a configuration names it.
#[derive(Debug)]
pub(super) enum Spec {
    Text(DictId),
    /// A text dictionary marked `"may_output_tofu": true`: its output may
    /// hold characters that few fonts have. The `opencc` command skips such
    /// dictionaries unless given `--include-tofu-risk-dictionaries`.
    TofuRisk(DictId),
    Union(&'static [Spec]),
    ShortCircuit(&'static [Spec]),
}

/// One stage of a configuration's pipeline.
#[derive(Debug)]
pub(super) struct StageSpec {
    pub(super) segmentation: Option<Spec>,
    pub(super) chain: &'static [Spec],
}

/// A built-in configuration.
#[derive(Debug)]
pub(super) struct Config {
    pub(super) name: &'static str,
    pub(super) stages: &'static [StageSpec],
}

impl Config {
    /// Whether the configuration is meant for Japanese text.
    pub(super) fn for_japanese(&self) -> bool {
        matches!(self.name, "t2jp" | "jp2t")
    }
}

pub(super) const CONFIGS: &[Config] = &[
    Config {
        name: "s2t",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec {
                segmentation: None,
                chain: &[Spec::ShortCircuit(&[
                    Spec::Union(&[
                        Spec::Text(DictId::STPhrases),
                        Spec::Text(DictId::STPhrasesGeneratedFromRegionalPhrases),
                    ]),
                    Spec::Text(DictId::STCharacters),
                ])],
            },
        ],
    },
    Config {
        name: "t2s",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec {
                segmentation: None,
                chain: &[Spec::ShortCircuit(&[
                    Spec::Text(DictId::TSPhrases),
                    Spec::TofuRisk(DictId::TSCharactersExt),
                    Spec::Text(DictId::TSCharacters),
                ])],
            },
        ],
    },
    Config {
        name: "s2tw",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec {
                segmentation: Some(Spec::Union(&[
                    Spec::Text(DictId::STPhrases),
                    Spec::Text(DictId::STPhrasesGeneratedFromRegionalPhrases),
                ])),
                chain: &[
                    Spec::ShortCircuit(&[
                        Spec::Union(&[
                            Spec::Text(DictId::STPhrases),
                            Spec::Text(DictId::STPhrasesGeneratedFromRegionalPhrases),
                        ]),
                        Spec::Text(DictId::STCharacters),
                    ]),
                    Spec::ShortCircuit(&[Spec::Text(DictId::TWVariantsPhrases), Spec::Text(DictId::TWVariants)]),
                ],
            },
        ],
    },
    Config {
        name: "tw2s",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec {
                segmentation: Some(Spec::Text(DictId::TSPhrases)),
                chain: &[
                    Spec::ShortCircuit(&[Spec::Text(DictId::TWVariantsRevPhrases), Spec::Text(DictId::TWVariantsRev)]),
                    Spec::ShortCircuit(&[
                        Spec::Text(DictId::TSPhrases),
                        Spec::TofuRisk(DictId::TSCharactersExt),
                        Spec::Text(DictId::TSCharacters),
                    ]),
                ],
            },
        ],
    },
    Config {
        name: "s2twp",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec {
                segmentation: Some(Spec::Union(&[
                    Spec::Text(DictId::STPhrases),
                    Spec::Text(DictId::STPhrasesGeneratedFromRegionalPhrases),
                ])),
                chain: &[
                    Spec::ShortCircuit(&[
                        Spec::Union(&[
                            Spec::Text(DictId::STPhrases),
                            Spec::Text(DictId::STPhrasesGeneratedFromRegionalPhrases),
                        ]),
                        Spec::Text(DictId::STCharacters),
                    ]),
                    Spec::ShortCircuit(&[
                        Spec::Text(DictId::TWPhrases),
                        Spec::Text(DictId::TWVariantsPhrases),
                        Spec::Text(DictId::TWVariants),
                    ]),
                ],
            },
        ],
    },
    Config {
        name: "tw2sp",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec {
                segmentation: Some(Spec::Text(DictId::TSPhrases)),
                chain: &[
                    Spec::ShortCircuit(&[
                        Spec::Text(DictId::TWPhrasesRev),
                        Spec::Text(DictId::TWVariantsRevPhrases),
                        Spec::Text(DictId::TWVariantsRev),
                    ]),
                    Spec::ShortCircuit(&[
                        Spec::Text(DictId::TSPhrases),
                        Spec::TofuRisk(DictId::TSCharactersExt),
                        Spec::Text(DictId::TSCharacters),
                    ]),
                ],
            },
        ],
    },
    Config {
        name: "s2hk",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec {
                segmentation: Some(Spec::Union(&[
                    Spec::Text(DictId::STPhrases),
                    Spec::Text(DictId::STPhrasesGeneratedFromRegionalPhrases),
                ])),
                chain: &[
                    Spec::ShortCircuit(&[
                        Spec::Union(&[
                            Spec::Text(DictId::STPhrases),
                            Spec::Text(DictId::STPhrasesGeneratedFromRegionalPhrases),
                        ]),
                        Spec::Text(DictId::STCharacters),
                    ]),
                    Spec::ShortCircuit(&[Spec::Text(DictId::HKVariantsPhrases), Spec::Text(DictId::HKVariants)]),
                ],
            },
        ],
    },
    Config {
        name: "hk2s",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec {
                segmentation: Some(Spec::Text(DictId::TSPhrases)),
                chain: &[
                    Spec::ShortCircuit(&[Spec::Text(DictId::HKVariantsRevPhrases), Spec::Text(DictId::HKVariantsRev)]),
                    Spec::ShortCircuit(&[
                        Spec::Text(DictId::TSPhrases),
                        Spec::TofuRisk(DictId::TSCharactersExt),
                        Spec::Text(DictId::TSCharacters),
                    ]),
                ],
            },
        ],
    },
    Config {
        name: "s2hkp",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec {
                segmentation: Some(Spec::Union(&[
                    Spec::Text(DictId::STPhrases),
                    Spec::Text(DictId::STPhrasesGeneratedFromRegionalPhrases),
                ])),
                chain: &[
                    Spec::ShortCircuit(&[
                        Spec::Union(&[
                            Spec::Text(DictId::STPhrases),
                            Spec::Text(DictId::STPhrasesGeneratedFromRegionalPhrases),
                        ]),
                        Spec::Text(DictId::STCharacters),
                    ]),
                    Spec::ShortCircuit(&[
                        Spec::Text(DictId::HKPhrases),
                        Spec::Text(DictId::HKVariantsPhrases),
                        Spec::Text(DictId::HKVariants),
                    ]),
                ],
            },
        ],
    },
    Config {
        name: "hk2sp",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec {
                segmentation: Some(Spec::Text(DictId::TSPhrases)),
                chain: &[
                    Spec::ShortCircuit(&[
                        Spec::Text(DictId::HKPhrasesRev),
                        Spec::Text(DictId::HKVariantsRevPhrases),
                        Spec::Text(DictId::HKVariantsRev),
                    ]),
                    Spec::ShortCircuit(&[
                        Spec::Text(DictId::TSPhrases),
                        Spec::TofuRisk(DictId::TSCharactersExt),
                        Spec::Text(DictId::TSCharacters),
                    ]),
                ],
            },
        ],
    },
    Config {
        name: "t2tw",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec {
                segmentation: None,
                chain: &[Spec::ShortCircuit(&[Spec::Text(DictId::TWVariantsPhrases), Spec::Text(DictId::TWVariants)])],
            },
        ],
    },
    Config {
        name: "tw2t",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec {
                segmentation: None,
                chain: &[Spec::ShortCircuit(&[
                    Spec::Text(DictId::TWVariantsRevPhrases),
                    Spec::Text(DictId::TWVariantsRev),
                ])],
            },
        ],
    },
    Config {
        name: "t2hk",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec {
                segmentation: None,
                chain: &[Spec::ShortCircuit(&[Spec::Text(DictId::HKVariantsPhrases), Spec::Text(DictId::HKVariants)])],
            },
        ],
    },
    Config {
        name: "hk2t",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec {
                segmentation: None,
                chain: &[Spec::ShortCircuit(&[
                    Spec::Text(DictId::HKVariantsRevPhrases),
                    Spec::Text(DictId::HKVariantsRev),
                ])],
            },
        ],
    },
    Config {
        name: "t2jp",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::JPShinjitaiCharactersRev)] },
        ],
    },
    Config {
        name: "jp2t",
        stages: &[
            StageSpec { segmentation: None, chain: &[Spec::Text(DictId::CJKCompatibilityIdeographs)] },
            StageSpec {
                segmentation: None,
                chain: &[Spec::ShortCircuit(&[
                    Spec::Text(DictId::JPShinjitaiPhrases),
                    Spec::Text(DictId::JPShinjitaiCharacters),
                ])],
            },
        ],
    },
];
