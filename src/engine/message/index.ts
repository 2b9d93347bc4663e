export { CHANNEL_CHOICES, CHANNELS, type Channel, type ChannelChoice } from './channel';
export { emailToText, MAX_HTML_DEPTH, MAX_LINK_HOSTS, type EmailTextOptions } from './email-text';
export { EmailTextPool, type EmailTextPoolOptions } from './email-text-pool';
export {
  looksLikeRawEmail,
  readMessage,
  readsAsRawEmail,
  type EmailExtractor,
  type MessageText,
  type ReadMessageOptions,
} from './message-text';
