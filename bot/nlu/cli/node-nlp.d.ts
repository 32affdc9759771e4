// Minimal typings for the part of NLP.js (node-nlp, a dev dependency) that nlu:compare uses.
declare module 'node-nlp' {
  export interface NlpProcessResult {
    intent: string;
    score: number;
    locale?: string;
  }
  export class NlpManager {
    constructor(settings?: Record<string, unknown>);
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    process(locale: string, utterance: string): Promise<NlpProcessResult>;
  }
}
