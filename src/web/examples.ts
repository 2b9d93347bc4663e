import type { Channel } from '../engine';

/** Example messages on the page (real-looking SMS and an e-mail), each one click away without JavaScript. */
export const EXAMPLE_MESSAGES: ReadonlyArray<{ id: string; label: string; channel: Channel; text: string }> = [
  {
    id: 'prize',
    label: 'Prize SMS',
    channel: 'sms',
    text: 'WINNER!! As a valued network customer you have been selected to receive a £900 prize reward! To claim call 09061701461. Claim code KL341. Valid 12 hours only.',
  },
  {
    id: 'lunch',
    label: 'Friend SMS',
    channel: 'sms',
    text: "Hey, are we still on for lunch tomorrow? I'll be at the usual place around 12:30, text me if you're running late.",
  },
  {
    id: 'free-entry',
    label: 'Competition SMS',
    channel: 'sms',
    text: "Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005. Text FA to 87121 to receive entry question(std txt rate)T&C's apply",
  },
  {
    id: 'meeting',
    label: 'Work e-mail',
    channel: 'email',
    text: 'Subject: Re: minutes from Tuesday\n\nHi all, attached are the minutes from Tuesday. Please send corrections by Friday so I can circulate the final version. Thanks, Anna',
  },
];
