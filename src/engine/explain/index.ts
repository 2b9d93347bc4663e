export { contributionScale, type ContributionScale, explainByWord, shareBaseline } from './word-explanation';
