//! The word lists `random_pet` draws from: written for infra, in the spirit of (not copied
//! from) the lists HashiCorp's provider uses. All lower case ASCII, no separators inside
//! words, so names stay valid in DNS labels and resource names.

pub const ADVERBS: &[&str] = &[
    "ably", "amply", "aptly", "boldly", "briskly", "busily", "calmly", "carefully", "cheerfully", "cleanly",
    "clearly", "closely", "deftly", "eagerly", "easily", "evenly", "fairly", "firmly", "fondly", "freely",
    "fully", "gently", "gladly", "gracefully", "greatly", "happily", "highly", "honestly", "humbly", "jointly",
    "justly", "keenly", "kindly", "lightly", "lively", "loudly", "loyally", "merrily", "mildly", "neatly",
    "nicely", "openly", "patiently", "politely", "promptly", "proudly", "quickly", "quietly", "rapidly", "readily",
    "safely", "sharply", "simply", "smoothly", "softly", "solidly", "steadily", "strongly", "surely", "swiftly",
    "tenderly", "truly", "vastly", "warmly", "wisely", "wholly",
];

pub const ADJECTIVES: &[&str] = &[
    "able", "agile", "alert", "amber", "ample", "azure", "bold", "brave", "bright", "brisk",
    "busy", "calm", "candid", "civil", "clean", "clear", "clever", "cosmic", "cozy", "crisp",
    "curious", "daring", "dapper", "eager", "early", "easy", "epic", "exact", "fair", "fancy",
    "fast", "fine", "firm", "fit", "fluent", "fond", "frank", "free", "fresh", "gentle",
    "gifted", "glad", "golden", "grand", "great", "happy", "hardy", "hearty", "honest", "humble",
    "ideal", "jolly", "just", "keen", "kind", "large", "lively", "loyal", "lucid", "lucky",
    "magic", "mellow", "merry", "mighty", "modest", "neat", "nimble", "noble", "patient", "peaceful",
    "plucky", "polite", "proud", "quick", "quiet", "rapid", "ready", "regal", "robust", "rosy",
    "sharp", "shiny", "smart", "smooth", "snug", "solid", "sound", "spry", "stable", "steady",
    "sturdy", "sunny", "super", "swift", "tidy", "topical", "tough", "true", "trusty", "vital",
    "vivid", "warm", "wise", "witty", "zesty",
];

pub const NAMES: &[&str] = &[
    "alpaca", "anteater", "antelope", "badger", "bat", "bear", "beaver", "bison", "boar", "bobcat",
    "buffalo", "camel", "caribou", "cat", "cheetah", "chipmunk", "cobra", "condor", "cougar", "coyote",
    "crab", "crane", "crow", "deer", "dingo", "dolphin", "donkey", "dove", "duck", "eagle",
    "eel", "elk", "emu", "falcon", "ferret", "finch", "fox", "frog", "gazelle", "gecko",
    "gibbon", "giraffe", "goat", "goose", "gopher", "gorilla", "grouse", "gull", "hamster", "hare",
    "hawk", "hedgehog", "heron", "hippo", "horse", "hound", "ibex", "ibis", "iguana", "impala",
    "jackal", "jaguar", "jay", "kangaroo", "kiwi", "koala", "lemur", "leopard", "lion", "lizard",
    "llama", "lobster", "lynx", "macaw", "magpie", "marmot", "mink", "mole", "moose", "mouse",
    "newt", "ocelot", "octopus", "orca", "oriole", "otter", "owl", "ox", "panda", "panther",
    "parrot", "pelican", "penguin", "pigeon", "puffin", "puma", "quail", "rabbit", "raccoon", "raven",
    "reindeer", "robin", "salmon", "seal", "shark", "sheep", "skunk", "sloth", "snail", "sparrow",
    "squid", "stork", "swan", "tapir", "tiger", "toad", "trout", "turtle", "viper", "walrus",
    "weasel", "whale", "wolf", "wombat", "wren", "yak", "zebra",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_lowercase_words_without_duplicates() {
        for list in [ADVERBS, ADJECTIVES, NAMES] {
            let mut seen = std::collections::BTreeSet::new();
            for w in list {
                assert!(!w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase()), "{w}");
                assert!(seen.insert(*w), "duplicate {w}");
            }
        }
    }
}
