import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { estypes } from '@elastic/elasticsearch';
import { imageIndexTemplate, USER_DICTIONARY } from './index-template';

const template = imageIndexTemplate();
const analysis = template.settings!.analysis!;
const properties = template.mappings!.properties!;
const dockerContext = join(__dirname, '../../../../../deploy/docker/elasticsearch');

/** The analyzer's token filters, each resolved to its definition (or its name when built in). */
function filtersOf(analyzerName: string): Array<string | estypes.AnalysisTokenFilter> {
  const analyzer = analysis.analyzer![analyzerName] as estypes.AnalysisCustomAnalyzer;
  const names = ([] as string[]).concat(analyzer.filter ?? []);
  return names.map((name) => analysis.filter?.[name] ?? name);
}

function tokenizerOf(analyzerName: string): string | estypes.AnalysisTokenizer {
  const { tokenizer } = analysis.analyzer![analyzerName] as estypes.AnalysisCustomAnalyzer;
  return analysis.tokenizer?.[tokenizer] ?? tokenizer;
}

function typeOf(filter: string | estypes.AnalysisTokenFilter): string {
  return typeof filter === 'string' ? filter : filter.type;
}

function textField(name: string, sub?: string): estypes.MappingTextProperty {
  const field = properties[name] as estypes.MappingTextProperty;
  return (sub ? field.fields![sub] : field) as estypes.MappingTextProperty;
}

describe('imageIndexTemplate', () => {
  it('tokenizes prompts with Nori in mixed mode, keeping punctuation, with the user dictionary', () => {
    expect(tokenizerOf('korean')).toEqual({
      type: 'nori_tokenizer',
      decompound_mode: 'mixed',
      discard_punctuation: false,
      user_dictionary: 'userdict_ko.txt',
    });
  });

  it('drops parts of speech, normalizes numbers, drops punctuation, reads Hanja, lower-cases', () => {
    expect(filtersOf('korean').map(typeOf)).toEqual([
      'nori_part_of_speech',
      'nori_number',
      'pattern_replace',
      'length',
      'nori_readingform',
      'lowercase',
    ]);
  });

  it('drops the default parts of speech but spaces and commas, which nori_number reads', () => {
    const [partOfSpeech] = filtersOf('korean') as estypes.AnalysisNoriPartOfSpeechTokenFilter[];
    // Lucene's defaults: endings, particles, adverbs, determiners, brackets, ellipses, affixes.
    const noriDefaults = ['E', 'IC', 'J', 'MAG', 'MAJ', 'MM', 'SSC', 'SSO', 'SE'];
    const noriDefaultsRest = ['XPN', 'XSA', 'XSN', 'XSV', 'UNA', 'NA', 'VSV'];
    expect(partOfSpeech.stoptags).toEqual(
      expect.arrayContaining([...noriDefaults, ...noriDefaultsRest]),
    );
    // Spaces and commas go after nori_number; numbers, foreign words and nouns stay.
    for (const kept of ['SP', 'SC', 'SN', 'SL', 'SH', 'NNG', 'NNP', 'NR'])
      expect(partOfSpeech.stoptags).not.toContain(kept);
  });

  it('empties tokens of punctuation, symbols or spaces only, then drops empty tokens', () => {
    const [, , punctuation, nonEmpty] = filtersOf('korean') as [
      unknown,
      unknown,
      estypes.AnalysisPatternReplaceTokenFilter,
      estypes.AnalysisLengthTokenFilter,
    ];
    expect(punctuation.replacement).toBe('');
    expect(nonEmpty.min).toBe(1);
    // Java and JavaScript agree on these Unicode classes.
    const pattern = new RegExp(punctuation.pattern, 'u');
    for (const token of ['.', '!', '?', ',', '#', '~', ' ', '…', '·', '♥', '!!'])
      expect([token, pattern.test(token)]).toEqual([token, true]);
    for (const token of ['cat', '3200', '3.2', '고양이', 'c++', 'ㄱㅇㅇ'])
      expect([token, pattern.test(token)]).toEqual([token, false]);
  });

  it('searches prompts with the Korean analyzer', () => {
    expect(textField('prompt').analyzer).toBe('korean');
    expect(textField('prompt').search_analyzer).toBeUndefined();
  });

  it('indexes word prefixes of 1-20 characters for suggestions and searches them whole', () => {
    const suggest = textField('prompt', 'suggest');
    const indexed = filtersOf(suggest.analyzer!);
    expect(indexed.at(-1)).toEqual({ type: 'edge_ngram', min_gram: 1, max_gram: 20 });
    expect(indexed.map(typeOf)).toContain('lowercase');

    expect(suggest.search_analyzer).toBeDefined();
    expect(suggest.search_analyzer).not.toBe(suggest.analyzer);
    const searched = filtersOf(suggest.search_analyzer!).map(typeOf);
    expect(searched).not.toContain('edge_ngram');
    expect(searched).toContain('lowercase');
    expect(tokenizerOf(suggest.search_analyzer!)).toBe(tokenizerOf(suggest.analyzer!));
  });

  it('keeps the whole prompt as a keyword up to 512 characters, to collapse duplicates', () => {
    expect((properties.prompt as estypes.MappingTextProperty).fields!.keyword).toEqual({
      type: 'keyword',
      ignore_above: 512,
    });
  });

  it('indexes substrings of the initial consonants and matches query words whole', () => {
    const chosung = textField('prompt_chosung');
    expect(tokenizerOf(chosung.analyzer!)).toMatchObject({ type: 'ngram', min_gram: 1 });
    const { min_gram, max_gram } = tokenizerOf(chosung.analyzer!) as estypes.AnalysisNGramTokenizer;
    expect(max_gram).toBeGreaterThanOrEqual(3);
    expect(template.settings!.max_ngram_diff).toBeGreaterThanOrEqual(max_gram! - min_gram!);

    expect(chosung.search_analyzer).toBeDefined();
    expect(tokenizerOf(chosung.search_analyzer!)).toBe('whitespace');
    expect(chosung.fields!.keyword).toEqual({ type: 'keyword', ignore_above: 512 });
  });

  it('refuses fields it does not know and types the filterable ones exactly', () => {
    expect(template.mappings!.dynamic).toBe('strict');
    for (const name of ['id', 'owner_id', 'board_id', 'model_id'])
      expect(properties[name]).toEqual({ type: 'keyword' });
    expect(properties.has_board).toEqual({ type: 'boolean' });
    expect(properties.starred).toEqual({ type: 'boolean' });
    expect(properties.created_at).toEqual({ type: 'date' });
    expect(textField('negative_prompt').analyzer).toBe('korean');
  });

  it('names only tokenizers and filters that it defines or Elasticsearch provides', () => {
    const builtIn = ['standard', 'whitespace', 'lowercase', 'nori_number', 'nori_readingform'];
    for (const analyzer of Object.values(analysis.analyzer!) as estypes.AnalysisCustomAnalyzer[]) {
      expect([...Object.keys(analysis.tokenizer!), ...builtIn]).toContain(analyzer.tokenizer);
      for (const filter of ([] as string[]).concat(analyzer.filter ?? []))
        expect([...Object.keys(analysis.filter!), ...builtIn]).toContain(filter);
    }
    const analyzers = Object.keys(analysis.analyzer!);
    const fields = [
      textField('prompt'),
      textField('prompt', 'suggest'),
      textField('prompt_chosung'),
      textField('negative_prompt'),
    ];
    for (const field of fields) {
      expect(analyzers).toContain(field.analyzer);
      if (field.search_analyzer) expect(analyzers).toContain(field.search_analyzer);
    }
  });
});

describe('the Nori user dictionary', () => {
  const lines = readFileSync(join(dockerContext, USER_DICTIONARY), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('has each noun once, in Hangul, with compound parts that spell the compound', () => {
    const nouns = lines.map((line) => line.split(/\s+/)[0]);
    expect(nouns.length).toBeGreaterThanOrEqual(10);
    expect(new Set(nouns).size).toBe(nouns.length);
    for (const line of lines) {
      const [noun, ...parts] = line.split(/\s+/);
      expect(noun).toMatch(/^[가-힣]+$/u);
      if (parts.length > 0) expect(parts.join('')).toBe(noun);
    }
  });

  it('is copied into the config directory of the image the compose file builds', () => {
    const dockerfile = readFileSync(join(dockerContext, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(
      new RegExp(
        `^COPY .*\\b${USER_DICTIONARY} /usr/share/elasticsearch/config/${USER_DICTIONARY}$`,
        'm',
      ),
    );
  });
});
