import type { estypes } from '@elastic/elasticsearch';

/**
 * The index template behind the search alias (DESIGN §8): Korean prompts through Nori, an
 * edge-ngram sub-field for suggestions and a field of initial consonants (초성).
 */

/** The Nori user dictionary, in every node's config directory (deploy/docker/elasticsearch). */
export const USER_DICTIONARY = 'userdict_ko.txt';

/** nori_part_of_speech's defaults (what the built-in `nori` analyzer drops). */
const DEFAULT_STOP_TAGS = [
  'E',
  'IC',
  'J',
  'MAG',
  'MAJ',
  'MM',
  'SP',
  'SSC',
  'SSO',
  'SC',
  'SE',
  'XPN',
  'XSA',
  'XSN',
  'XSV',
  'UNA',
  'NA',
  'VSV',
];

/**
 * Dropped before nori_number: the defaults less spaces (SP) and commas (SC), which nori_number
 * reads ("1 2" stays two numbers, "4,647" becomes one). Not after it: a composed number keeps
 * the part of speech of the token after it, so "3" in "3 cats" would go as a space.
 */
const STOP_TAGS = DEFAULT_STOP_TAGS.filter((tag) => tag !== 'SP' && tag !== 'SC');

/** A token of punctuation, symbols or spaces only: what nori_number leaves of them. */
const PUNCTUATION_ONLY = '^[\\p{P}\\p{S}\\p{Z}\\s]+$';

const KOREAN_FILTERS = [
  'korean_part_of_speech',
  'nori_number',
  'korean_punctuation',
  'korean_nonempty',
  'nori_readingform',
  'lowercase',
];

/** Longest prefix the suggestion field indexes; longer query words are cut to it. */
const MAX_PREFIX = 20;

/** Longest run of initial consonants indexed (one word's worth); longer queries are cut. */
const MAX_CHOSUNG = 10;

const analysis: estypes.IndicesIndexSettingsAnalysis = {
  tokenizer: {
    korean_tokenizer: {
      type: 'nori_tokenizer',
      decompound_mode: 'mixed',
      discard_punctuation: false,
      user_dictionary: USER_DICTIONARY,
    },
    // Within a word only: a query's words are matched one by one, never across a space.
    chosung_ngram: {
      type: 'ngram',
      min_gram: 1,
      max_gram: MAX_CHOSUNG,
      token_chars: ['letter', 'digit'],
    },
  },
  filter: {
    korean_part_of_speech: { type: 'nori_part_of_speech', stoptags: STOP_TAGS },
    // The documented way to drop punctuation after nori_number; "cat!" must not need a "!".
    korean_punctuation: { type: 'pattern_replace', pattern: PUNCTUATION_ONLY, replacement: '' },
    korean_nonempty: { type: 'length', min: 1 },
    prompt_prefix: { type: 'edge_ngram', min_gram: 1, max_gram: MAX_PREFIX },
    prompt_prefix_limit: { type: 'truncate', length: MAX_PREFIX },
    chosung_limit: { type: 'truncate', length: MAX_CHOSUNG },
  },
  analyzer: {
    korean: { type: 'custom', tokenizer: 'korean_tokenizer', filter: KOREAN_FILTERS },
    // Over the standard tokenizer, not Nori: a half-typed word ("고양") is a prefix of the
    // word as written ("고양이들이"), whereas Nori may split or re-tag the fragment.
    prompt_prefix: {
      type: 'custom',
      tokenizer: 'standard',
      filter: ['lowercase', 'prompt_prefix'],
    },
    prompt_prefix_search: {
      type: 'custom',
      tokenizer: 'standard',
      filter: ['lowercase', 'prompt_prefix_limit'],
    },
    chosung: { type: 'custom', tokenizer: 'chosung_ngram' },
    // The query's 초성 words as they are: each must be a substring of one indexed word.
    chosung_search: { type: 'custom', tokenizer: 'whitespace', filter: ['chosung_limit'] },
  },
};

const mappings: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: { type: 'keyword' },
    owner_id: { type: 'keyword' },
    prompt: {
      type: 'text',
      analyzer: 'korean',
      fields: {
        suggest: {
          type: 'text',
          analyzer: 'prompt_prefix',
          search_analyzer: 'prompt_prefix_search',
        },
        // Suggestions collapse on it; longer prompts are left out of suggestions.
        keyword: { type: 'keyword', ignore_above: 512 },
      },
    },
    prompt_chosung: {
      type: 'text',
      analyzer: 'chosung',
      search_analyzer: 'chosung_search',
      // 초성 suggestions put the prompts that start with the query first.
      fields: { keyword: { type: 'keyword', ignore_above: 512 } },
    },
    negative_prompt: { type: 'text', analyzer: 'korean' },
    model_id: { type: 'keyword' },
    // Null when the image is on no board; has_board answers the 'none' filter with a term.
    board_id: { type: 'keyword' },
    has_board: { type: 'boolean' },
    starred: { type: 'boolean' },
    created_at: { type: 'date' },
  },
};

/** Settings and mappings of every versioned index behind the alias. */
export function imageIndexTemplate(): estypes.IndicesPutIndexTemplateIndexTemplateMapping {
  return {
    settings: {
      // One shard: term statistics are the same for every hit, so scores (and cursors) agree
      // from page to page; prompts are short, so one shard holds a great many.
      number_of_shards: 1,
      auto_expand_replicas: '0-1',
      // The 초성 ngrams span 1-10 characters; Elasticsearch refuses a spread over 1 without this.
      max_ngram_diff: MAX_CHOSUNG - 1,
      analysis,
    },
    mappings,
  };
}
