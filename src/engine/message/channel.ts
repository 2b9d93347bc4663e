/** Where a message comes from, as the models know it (and as a prediction reports it). */
export const CHANNELS = ['sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** What a caller may ask for: a channel, or `auto` to detect it from the message. */
export const CHANNEL_CHOICES = ['sms', 'email', 'auto'] as const;
export type ChannelChoice = (typeof CHANNEL_CHOICES)[number];
