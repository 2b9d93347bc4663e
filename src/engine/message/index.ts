export { CHANNEL_CHOICES, CHANNELS, type Channel, type ChannelChoice } from './channel';
export { emailToText, type EmailTextOptions } from './email-text';
export { looksLikeRawEmail, readMessage, type MessageText } from './message-text';
