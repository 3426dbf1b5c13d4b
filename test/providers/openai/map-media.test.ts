// The media mapper's streamed side, on events shaped as OpenAI sends them
// (transcript.text.*, speech.audio.*): which event ends a stream, and the token
// usage it reports; a streamed speech answer is priced by its input characters.
import { describe, expect, it } from 'vitest';
import type { MediaRequest } from '../../../src/domain/media.js';
import { finalEvent, mapStreamedMedia } from '../../../src/providers/openai/map-media.js';

describe('finalEvent', () => {
  it('the done events end a stream, with their token usage', () => {
    const transcript = finalEvent({
      type: 'transcript.text.done',
      text: 'Bonjour.',
      usage: { type: 'tokens', input_tokens: 44, output_tokens: 9, total_tokens: 53, input_token_details: { audio_tokens: 44, text_tokens: 0 } },
    });
    expect(transcript?.usage).toMatchObject({ inputTokens: 44, outputTokens: 9, totalTokens: 53 });
    const speech = finalEvent({ type: 'speech.audio.done', usage: { input_tokens: 11, output_tokens: 180, total_tokens: 191 } });
    expect(speech?.usage).toMatchObject({ inputTokens: 11, outputTokens: 180, totalTokens: 191 });
  });

  it('a done event without usage still ends the stream; deltas and other events do not', () => {
    expect(finalEvent({ type: 'transcript.text.done', text: 'x' })).toEqual({ usage: undefined });
    expect(finalEvent({ type: 'transcript.text.delta', delta: 'x' })).toBeUndefined();
    expect(finalEvent({ type: 'speech.audio.delta', audio: 'SUQz' })).toBeUndefined();
    expect(finalEvent({ type: 'transcript.text.segment', id: 's1', text: 'x', speaker: 'A', start: 0, end: 1 })).toBeUndefined();
    expect(finalEvent('not an event')).toBeUndefined();
  });
});

describe('mapStreamedMedia', () => {
  it('speech is priced by its input characters; the usage is left to the stream', () => {
    const request: MediaRequest = { operation: 'audio.speech', model: 'tts', fields: { input: 'Héllo', voice: 'alloy' }, uploads: [] };
    const mapped = mapStreamedMedia(request, { kind: 'audio', parts: (async function* () {})(), contentType: 'audio/mpeg' });
    expect(mapped.units).toEqual({ images: 0, audioSeconds: 0, characters: 5 });
    expect(mapped.usage).toBeUndefined();
  });
});
