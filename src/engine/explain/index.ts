export { contributionScale, type ContributionScale, explainByWord } from './word-explanation';
