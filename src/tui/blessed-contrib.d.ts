// The part of blessed-contrib 4.11 the dashboard uses (the package ships no types).

declare module 'blessed-contrib' {
  import type { Widgets } from 'blessed';

  type Options = Record<string, unknown>;
  type WidgetCtor = (options?: Options) => Widgets.BoxElement;

  export interface LineSeries {
    title: string;
    x: string[];
    y: number[];
    style?: { line: string };
  }
  export interface LineChart extends Widgets.BoxElement {
    setData(series: LineSeries[]): void;
  }
  export interface BarChart extends Widgets.BoxElement {
    setData(d: { titles: string[]; data: number[] }): void;
  }
  export interface Table extends Widgets.BoxElement {
    setData(d: { headers: string[]; data: (string | number)[][] }): void;
  }
  export interface TreeNode {
    name?: string;
    extended?: boolean;
    children?: Record<string, TreeNode>;
  }
  export interface Tree extends Widgets.BoxElement {
    setData(d: TreeNode): void;
  }
  export interface Log extends Widgets.BoxElement {
    log(line: string): void;
  }

  export class grid {
    constructor(o: { rows: number; cols: number; screen: Widgets.Screen; color?: string });
    set<T extends Widgets.BoxElement>(
      row: number,
      col: number,
      rowSpan: number,
      colSpan: number,
      ctor: (o?: Options) => T,
      o?: Options,
    ): T;
  }

  export const line: (o?: Options) => LineChart;
  export const bar: (o?: Options) => BarChart;
  export const table: (o?: Options) => Table;
  export const tree: (o?: Options) => Tree;
  export const log: (o?: Options) => Log;
  export const box: WidgetCtor;

  const contrib: {
    grid: typeof grid;
    line: typeof line;
    bar: typeof bar;
    table: typeof table;
    tree: typeof tree;
    log: typeof log;
  };
  export default contrib;
}
