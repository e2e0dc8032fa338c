import { BarChart as Bars } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([Bars, GridComponent, TooltipComponent, CanvasRenderer]);

/** Loaded with React.lazy: ECharts is ~300 KB and only the wall needs it. */
export default function BarChart({ data, testId }: { data: { name: string; value: number }[]; testId: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!el.current) return;
    chart.current = echarts.init(el.current);
    const onResize = () => chart.current?.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.current?.dispose();
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({
      // A wall refreshes often; bars that regrow on every invalidate read as noise.
      animation: false,
      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      tooltip: {},
      xAxis: { type: 'category', data: data.map((d) => d.name), axisLabel: { interval: 0, rotate: data.length > 5 ? 30 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: data.map((d) => d.value), itemStyle: { color: '#1677ff' } }],
    });
  }, [data]);

  return <div ref={el} data-testid={testId} style={{ height: 240, width: '100%' }} />;
}
